"""What one report costs the database, per channel: every channel stores a report through the one write
(intake._write: on PostgreSQL one statement for the report and its first timeline entry), so a partner's,
an officer's, a gateway's or an imported report costs what a public one costs, plus its audit entry (on
PostgreSQL a step of the same statement).

Counted with Django's CaptureQueriesContext on a real transaction (BEGIN, SAVEPOINT and COMMIT count), after one
warm-up report per channel (places, agencies and partner tokens are then answered from memory: known.py). The
audit entry's own statements are measured apart (``audit_cost``) so the bound holds whatever the audit chain's
implementation costs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from praja.accounts.tests.fixtures import HOME_DESA, client_for, world  # noqa: F401
from praja.base import audit
from praja.reports import api, importers
from praja.reports.models import Report

BODY = {"category": "politik_uang", "description": "Amplop dibagikan di depan TPS 3", "severity": 3}


def audit_cost() -> int:
    """Statements one audit entry costs inside a transaction (the audit chain's business, not intake's)."""
    with audit.acting_as(audit.Actor(None, "test:cost", "", "cli")), transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            audit.record("test", "reports.report", "0")
        transaction.set_rollback(True)
    return len(ctx.captured_queries)


def counted(fn: Any) -> tuple[Any, int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        answer = fn()
    return answer, len(ctx.captured_queries), [q["sql"][:120] for q in ctx.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_every_channel_stores_a_report_in_a_bounded_number_of_statements(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "worker", "WEBHOOK_TOKEN": "gw",
                              "PUBLIC_RATE": 0}
    pg = connection.vendor == "postgresql"
    # the two rows in one statement (PostgreSQL); elsewhere BEGIN, two INSERTs, COMMIT
    write = 1 if pg else 4
    # with an actor: on PostgreSQL the same one statement, its audit entry a step of it (autocommit: no BEGIN, no
    # COMMIT); elsewhere BEGIN, the write, the audit entry, COMMIT
    audited = 1 if pg else 4 + audit_cost()
    # a file import: BEGIN, the write, one audit entry for the file, COMMIT
    file_audited = (3 if pg else 4) + audit_cost()
    signed_in = 2  # the framework's reads of a signed-in request: the session row; the user, person and roles joined
    costs: dict[str, int] = {}
    shown: dict[str, list[str]] = {}

    client = Client()

    def api_post(**h: str) -> Any:
        return client.post("/api/v1/reports", BODY, content_type="application/json", headers=h)

    api_post()
    answer, costs["public api"], shown["public api"] = counted(api_post)
    assert answer.status_code == 201

    _row, token = api.create_token(next(iter(world.agencies.values())), "relawan")
    api_post(Authorization=f"Bearer {token}")
    answer, costs["partner api"], shown["partner api"] = counted(lambda: api_post(Authorization=f"Bearer {token}"))
    assert answer.status_code == 201

    officer = client_for(world.people["officer"].user, second_factor=False)
    queued = {"category": "logistik", "description": "Surat suara kurang", "tps": f"{HOME_DESA}/001"}

    def sync(key: str) -> Any:
        return officer.post("/laporan/petugas/kirim/", json.dumps({**queued, "client_key": key}),
                            content_type="application/json")

    sync("phone-0")
    answer, costs["officer queue sync"], shown["officer queue sync"] = counted(lambda: sync("phone-1"))
    assert answer.status_code == 201
    answer, costs["officer form"], shown["officer form"] = counted(lambda: officer.post(
        "/laporan/petugas/", {**queued, "severity": "2"}))
    assert answer.status_code == 302

    gateway = Client()

    def sms(route: str, n: int) -> Any:
        return gateway.post(f"/lapor/webhook/{route}/", json.dumps({
            "from": f"+62812345678{n:02d}", "text": "LAPOR politikuang Tulungrejo TPS 2 bagi amplop", "id": f"m{n}"}),
            content_type="application/json", HTTP_AUTHORIZATION="Bearer gw")

    sms("sms", 0)
    answer, costs["sms"], shown["sms"] = counted(lambda: sms("sms", 1))
    assert answer.status_code == 200 and "Kode:" in answer.json()["reply"]
    answer, costs["whatsapp"], shown["whatsapp"] = counted(lambda: sms("whatsapp", 2))
    assert answer.status_code == 200 and "Kode:" in answer.json()["reply"]

    rows = "kategori;uraian;kode_tps\n" + "".join(f"politik_uang;uraian {i};{HOME_DESA}/001\n" for i in range(50))
    with audit.acting_as(audit.system_actor("test")):
        result, costs["import 50 rows"], shown["import 50 rows"] = counted(
            lambda: importers.import_reports("a.csv", rows.encode()))
    assert result.ok and result.created == 50

    public = Client()
    public.get("/lapor/")
    form = {"category": "logistik", "description": "abc def", "severity": "2", "identity": "anonim"}
    public.post("/lapor/", {**form, "client_key": "web:warm-up-1"})
    answer, costs["public form"], shown["public form"] = counted(
        lambda: public.post("/lapor/", {**form, "client_key": "web:second-1"}))
    assert answer.status_code == 302
    new_browser = Client()  # a first report from a browser without a session (as every sender on voting day)
    new_browser.get("/lapor/")
    answer, costs["public form, new browser"], shown["public form, new browser"] = counted(
        lambda: new_browser.post("/lapor/", {**form, "client_key": "web:first-1"}))
    assert answer.status_code == 302

    bounds = {
        "public api": write,
        "partner api": audited,
        "officer queue sync": signed_in + audited,
        "officer form": signed_in + audited,
        "sms": write,
        "whatsapp": write,
        # BEGIN, a savepoint around each INSERT of up to 200 reports, the audit entry of the file, COMMIT
        "import 50 rows": 2 + 3 + file_audited,
        "public form": write + 2,  # + the session that shows the receipt and PIN once: its read and one UPDATE
        "public form, new browser": write + 1,  # + the session's one INSERT (accounts/signin_read.py)
    }
    print("statements:", costs, "audit entry:", audit_cost())  # pytest -s shows them (docs/reports-performance.md)
    over = {k: (costs[k], bounds[k], shown[k]) for k in bounds if costs[k] > bounds[k]}
    assert not over, over
    assert Report.objects.count() == 2 + 2 + 3 + 3 + 50 + 3
