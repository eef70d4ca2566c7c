"""POST /api/v1/reports: public and partner reports on one route, receipts, field errors, limits, idempotency."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from praja.accounts.models import Agency
from praja.base.models import AuditEntry
from praja.reports import intake
from praja.reports.models import PartnerToken, Report, TimelineEntry
from praja.territory.models import Region

URL = "/api/v1/reports"
GOOD = {"category": "politik_uang", "description": "Amplop dibagikan di depan TPS 3", "severity": "tinggi"}


@pytest.fixture
def partner(db: Any) -> Agency:
    Region.objects.create(code="35", name="Jawa Timur", level=1, kind="provinsi")
    Region.objects.create(code="35.07", name="Malang", level=2, kind="kabupaten", parent_id="35")
    return Agency.objects.create(slug="jppr-malang", kind="media", name="JPPR Malang", region_id="35.07")


def make_token(agency: Agency, name: str = "relawan") -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("reports", "token", "--agency", agency.slug, "--name", name, stdout=out, stderr=err)
    assert "never shown again" in err.getvalue()
    return out.getvalue().strip()


def post(client: Client, body: dict[str, Any], **headers: str) -> Any:
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_an_anonymous_report_answers_201_with_a_receipt_and_pin_that_open_it(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: a phone app or a script
    r = post(client, GOOD)
    assert r.status_code == 201, r.content
    body = r.json()
    report = Report.objects.get(receipt=body["receipt"])
    assert report.channel == "api" and report.anonymous and report.partner_id is None and report.severity == 3
    assert intake.check_pin(report, body["pin"])
    assert list(TimelineEntry.objects.filter(report=report).values_list("kind", flat=True)) == ["dibuat"]
    assert not AuditEntry.objects.filter(target_type="reports.report").exists()  # no audit-chain lock
    follow = client.post(f"{URL}/status", {"receipt": body["receipt"].lower().replace("-", ""), "pin": body["pin"]},
                         content_type="application/json")
    assert follow.status_code == 200 and follow.json()["status"] == "baru"


def test_bad_fields_answer_422_naming_each_field_and_store_nothing(db: Any) -> None:
    r = post(Client(), {"category": "alien", "description": "", "latitude": 5})
    assert r.status_code == 422
    assert {"category", "description", "longitude"} <= set(r.json()["errors"])
    wrong_type = post(Client(), {"category": ["x"], "description": {"a": 1}})
    assert wrong_type.status_code == 422
    not_json = Client().post(URL, "{not json", content_type="application/json")
    assert not_json.status_code in (400, 422)
    assert Report.objects.count() == 0


def test_the_public_limit_answers_429_per_address_and_per_phone(db: Any, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": (2, 600), "PHONE_RATE": (1, 3600)}
    client = Client(REMOTE_ADDR="10.1.1.1")
    assert [post(client, GOOD).status_code for _ in range(3)] == [201, 201, 429]
    other = Client(REMOTE_ADDR="10.1.1.2")
    assert post(other, {**GOOD, "phone": "0812 1111 2222"}).status_code == 201
    third = Client(REMOTE_ADDR="10.1.1.3")
    r = post(third, {**GOOD, "phone": "+62 812-1111-2222"})  # the same number written another way
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert Report.objects.count() == 3


def test_the_same_idempotency_key_stores_one_report_and_answers_the_same_receipt(db: Any) -> None:
    client = Client()
    first = post(client, {**GOOD, "client_key": "6f1c2a9e-offline-0001"})
    again = post(client, GOOD, **{"Idempotency-Key": "6f1c2a9e-offline-0001"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["receipt"] == first.json()["receipt"] and again.json()["pin"] is None
    assert Report.objects.count() == 1
    assert post(client, {**GOOD, "client_key": "bad key!"}).status_code == 422


def test_a_partner_token_files_in_the_partners_name_and_a_wrong_one_is_refused(partner: Agency, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": (1, 600)}
    token = make_token(partner)
    assert PartnerToken.objects.get().token_hash != token and token not in str(PartnerToken.objects.values())
    client = Client()
    auth = {"Authorization": f"Bearer {token}"}
    answers = [post(client, {**GOOD, "client_key": f"jppr-msg-{i:04d}"}, **auth) for i in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]  # partners are not under the public limit
    report = Report.objects.get(receipt=answers[0].json()["receipt"])
    assert report.partner_id == partner.pk and "JPPR Malang" in report.timeline.get().actor_label
    assert AuditEntry.objects.filter(target_type="reports.report", actor_label__startswith="mitra:jppr-malang").exists()
    # the same key from an anonymous sender is another report: keys are per sender
    assert post(client, {**GOOD, "client_key": "jppr-msg-0000"}).status_code == 201
    assert post(client, GOOD, Authorization="Bearer praja_pt_wrong").status_code == 401
    assert post(client, GOOD, Authorization=f"Basic {token}").status_code == 401
    call_command("reports", "token", "--revoke", str(PartnerToken.objects.get().pk), stdout=io.StringIO())
    assert post(client, GOOD, **auth).status_code == 401


def test_a_partner_report_that_names_no_place_is_filed_under_the_partners_regency(partner: Agency) -> None:
    auth = {"Authorization": f"Bearer {make_token(partner)}"}
    r = post(Client(), GOOD, **auth)
    assert r.status_code == 201
    assert Report.objects.get(receipt=r.json()["receipt"]).region_id == "35.07"
    named = post(Client(), {**GOOD, "region": "35.07.01"}, **auth)
    assert named.status_code == 422 and "region" in named.json()["errors"]  # an unknown region is still refused


def test_it_keeps_no_phone_number_of_an_anonymous_api_sender(db: Any) -> None:
    r = post(Client(), {**GOOD, "phone": "0812 9999 0000", "reporter_name": "Budi"})
    assert r.status_code == 201
    report = Report.objects.get()
    assert report.anonymous and report.phone_hash == "" and report.reporter_sealed == ""


def test_a_wrong_pin_and_a_wrong_receipt_answer_the_same(db: Any) -> None:
    body = post(Client(), GOOD).json()
    wrong_pin = Client().post(f"{URL}/status", {"receipt": body["receipt"], "pin": "000000x"},
                              content_type="application/json")
    no_such = Client().post(f"{URL}/status", {"receipt": "AAAA-BBBB-CCCC", "pin": body["pin"]},
                            content_type="application/json")
    assert wrong_pin.status_code == no_such.status_code == 404
    assert wrong_pin.json() == no_such.json()


def test_the_route_is_documented_in_the_openapi_schema(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/reports"]["post"]
    assert {"201", "422", "429", "401"} <= set(op["responses"])
    assert {"PartnerBearer": []} in op["security"] and {} in op["security"]
    fields = schema["components"]["schemas"]["ReportIn"]["properties"]
    assert {"category", "description", "tps", "client_key"} <= set(fields)



def test_an_anonymous_api_report_takes_the_fast_path_and_answers_like_the_whole_chain(db: Any) -> None:
    import re
    from unittest import mock

    from praja.reports.api import IntakeFastPath

    fast_served: list[bool] = []
    real_view = IntakeFastPath.__call__

    def spy(self: Any, request: Any) -> Any:
        fast_served.append(not request.META.get("HTTP_COOKIE"))
        return real_view(self, request)

    client = Client()
    with mock.patch.object(IntakeFastPath, "__call__", spy):
        fast = client.post("/api/v1/reports", {"category": "keamanan", "description": "Massa berkumpul"},
                           content_type="application/json")
        client.cookies["django_language"] = "en"  # a browser with a chosen language: the whole chain
        slow = client.post("/api/v1/reports", {"category": "nope", "description": "x"},
                           content_type="application/json")
    assert fast_served == [True, False]
    assert fast.status_code == 201
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){2}", fast.json()["receipt"])
    assert re.fullmatch(r"\d{6}", fast.json()["pin"])
    assert fast["Content-Language"] == "id" and fast["X-Frame-Options"] == "DENY"
    assert fast["Content-Length"] == str(len(fast.content))  # keep-alive clients read exactly the answer
    assert Report.objects.get(receipt=fast.json()["receipt"]).timeline.count() == 1
    assert slow.status_code == 422 and slow["Content-Language"] == "en" and "category" in slow.json()["errors"]
