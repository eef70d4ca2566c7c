"""32 writers in several apps appending at once leave a log that verifies; tampering is still caught.

Each thread has its own database connection (PostgreSQL: 32 concurrent transactions, no lock between them;
SQLite: WAL with one writer at a time). Some writers roll back, which on PostgreSQL leaves permanent gaps in
the entry numbers that sealing must tolerate.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from praja.accounts.models import Agency
from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, World, raw_sql
from praja.base import audit
from praja.base.models import AuditBatch, AuditEntry
from praja.territory.models import TPS

WRITERS = 32
PER_WRITER = 6


class RolledBack(Exception):
    pass


def write(n: int, i: int, world_region: str) -> bool:
    """One audited write of writer n; returns whether it was committed."""
    kind = n % 4
    if kind == 0 and i % 2:  # reports: a report sent by someone acting (intake's one write; on PostgreSQL its
        # audit entry is a step of the statement that stores the report)
        from praja.reports import intake

        raw = {"category": "logistik", "description": f"Surat suara kurang {n}-{i}", "tps": f"{HOME_DESA}/001"}
        intake.submit(intake.validate(raw), channel="web_petugas", client_key=f"writer-{n}-{i}",
                      actor_label=f"writer-{n}")
    elif kind == 0:  # accounts: a new agency through the ORM (the model signals write the entry)
        Agency.objects.create(slug=f"posko-{n}-{i}", kind="polsek", name=f"Posko {n}-{i}", region_id=HOME_KEC)
    elif kind == 1:  # territory: edit a TPS (pre_save reads the row, post_save writes the entry)
        tps = TPS.objects.get(code=f"{HOME_DESA}/001")
        tps.voters = 200 + n + i
        tps.save()
    elif kind == 2:  # risk, as its services do: one summary entry
        audit.record("recompute", "risk.tpsscore", world_region, world_region, {"tps": n, "round": i})
    else:  # deployment: an entry in a transaction that is sometimes rolled back (a gap on PostgreSQL)
        try:
            with transaction.atomic():
                audit.record("plan", "deployment.post", f"{n}-{i}", world_region, {"posts": i})
                if i % 3 == 2:
                    raise RolledBack
        except RolledBack:
            return False
    return True


def restore(row: dict[str, Any]) -> None:
    AuditEntry(**row).save(force_insert=True)


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_writers_across_apps_leave_a_log_that_verifies_and_tampering_is_caught(
    world: World, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "worker"}  # routing etc. not in threads
    call_command("audit", "seal")
    before = AuditEntry.objects.count()
    errors: list[BaseException] = []
    committed = [0] * WRITERS
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            start.wait(timeout=60)
            actor = audit.Actor(None, f"writer-{n}", "127.0.0.1", "test")
            with audit.acting_as(actor):
                for i in range(PER_WRITER):
                    committed[n] += write(n, i, HOME_KEC)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert AuditEntry.objects.count() == before + sum(committed)
    assert sum(committed) == WRITERS * PER_WRITER - (WRITERS // 4) * (PER_WRITER // 3)
    from praja.reports.models import Report

    reports = set(Report.objects.values_list("pk", flat=True))
    assert len(reports) == (WRITERS // 4) * (PER_WRITER // 2)
    audited = [r or 0 for r in AuditEntry.objects.filter(target_type="reports.report")
               .values_list("report_ref", flat=True)]
    assert sorted(audited) == sorted(reports)  # one entry per report, each naming its report

    capsys.readouterr()
    call_command("audit", "verify")
    n = AuditEntry.objects.count()
    size, head = audit.current_head()
    assert size == n
    assert capsys.readouterr().out.startswith(f"OK: {n} entries in ")

    # A removed entry (in the middle) is caught; put back, the log verifies again.
    victim = AuditEntry.objects.filter(actor_label="writer-5").values().first()
    assert victim is not None
    raw_sql("DELETE FROM accounts_auditentry WHERE seq = %s", [victim["seq"]])
    found = audit.verify_log().breaks
    assert any(b.seq == victim["seq"] and "removed" in b.reason for b in found), found
    restore(victim)
    assert audit.verify_log().ok

    # An edited entry is caught, named by its number.
    edited = AuditEntry.objects.filter(actor_label="writer-6").values().last()
    assert edited is not None
    raw_sql("UPDATE accounts_auditentry SET actor_label = %s WHERE seq = %s", ["writer-0", edited["seq"]])
    found = audit.verify_log().breaks
    assert any(b.seq == edited["seq"] and "edited" in b.reason for b in found), found
    raw_sql("UPDATE accounts_auditentry SET actor_label = %s WHERE seq = %s", ["writer-6", edited["seq"]])
    assert audit.verify_log().ok

    # Truncation: the last 3 entries deleted.
    last3 = list(AuditEntry.objects.order_by("-seq").values()[:3])
    raw_sql("DELETE FROM accounts_auditentry WHERE seq >= %s", [last3[-1]["seq"]])
    found = audit.verify_log().breaks
    assert {b.seq for b in found if b.reason == "this sealed entry was removed"} == {r["seq"] for r in last3}, found
    for row in reversed(last3):
        restore(row)
    assert audit.verify_log().ok

    # An edit with every later hash recomputed (batches and head re-sealed from the edited entries, as
    # someone who knows the algorithm would): the database agrees with itself, the anchor file does not.
    raw_sql("UPDATE accounts_auditentry SET actor_label = %s WHERE seq = %s", ["writer-0", edited["seq"]])
    raw_sql("DELETE FROM accounts_auditbatch")
    raw_sql("DELETE FROM accounts_audithead")
    audit.seal()
    assert AuditBatch.objects.count() >= 1 and audit.current_head() != (size, head)
    result = audit.verify_log()
    assert not result.ok
    assert any("differs from the one anchored" in b.reason for b in result.breaks), result.breaks
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "the log was rewritten" in capsys.readouterr().err
