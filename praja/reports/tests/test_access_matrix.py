"""Every role against every reports page and API route: inside its region, outside it, and on a report about
its own unit (neutrality); and the protected fields (reporter identity, exact point, original attachment).

The table ``POLICY`` says what each role may do; a new role must be added to it (the first test checks).
V: reports.view, H: reports.handle, C: reports.custodian, S: reports.submit, P: protected.view.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.base import ContentFile

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, OTHER_DESA, World, client_for, make_person
from praja.base import audit
from praja.base.roles import ROLES
from praja.reports import identity, intake
from praja.reports.models import Attachment, IdentityRequest, Report
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report

POLICY: dict[str, str] = {
    "admin": "VHCSP",
    "polres_ops": "VHS",
    "polres_leader": "V",
    "humas": "",
    "polsek_leader": "VHS",
    "polsek_officer": "VS",
    "kodim_staff": "VS",
    "koramil_staff": "S",
    "kpu_staff": "V",
    "bawaslu_staff": "VHCSP",
    "panwascam": "VHS",
    "gakkumdu": "VHP",
    "propam": "VHP",
    "pemda_staff": "V",
    "camat": "",
    "forum_member": "",
    "media": "",
}
# The agency each role's person works for (all roles are held in kecamatan HOME_KEC).
AGENCY: dict[str, str] = {
    "admin": "polsek-donomulyo", "polres_ops": "polres-malang", "polres_leader": "polres-malang",
    "humas": "polres-malang", "polsek_leader": "polsek-donomulyo", "polsek_officer": "polsek-donomulyo",
    "kodim_staff": "kodim-0818", "koramil_staff": "koramil-donomulyo", "kpu_staff": "kpu-malang",
    "bawaslu_staff": "bawaslu-malang", "panwascam": "panwascam-donomulyo", "gakkumdu": "gakkumdu-malang",
    "propam": "propam-polda-jatim", "pemda_staff": "pemda-malang", "camat": "pemda-malang",
    "forum_member": "pemda-malang", "media": "pemda-malang",
}
SECRET_NAME = "Saksi Rahasia Wulandari"
SECRET_PHONE = "6281299887766"
POINT = "-8.30123"
PLACES = ("home", "other", "own")

# (name, method, path, needs, success status, scoped by the report's visibility)
# Order matters: "verify" changes the report and comes last.
ROUTES = [
    ("board", "GET", "/laporan/", "V", 200, False),
    ("board_live", "GET", "/laporan/?partial=1", "V", 200, False),
    ("overdue", "GET", "/laporan/terlambat/", "V", 200, False),
    ("identity_queue", "GET", "/laporan/identitas/", "C", 200, False),
    ("detail", "GET", "/laporan/r/{R}/", "V", 200, True),
    ("attachment", "GET", "/laporan/r/{R}/lampiran/{A}/", "V", 200, True),
    ("attachment_original", "GET", "/laporan/r/{R}/lampiran/{A}/?asli=1", "V|H", 200, True),
    ("point", "POST", "/laporan/r/{R}/lokasi/", "H", 200, True),
    ("identity_request", "POST", "/laporan/r/{R}/identitas/minta/", "HP|", 302, True),
    ("identity_view", "POST", "/laporan/r/{R}/identitas/lihat/", "HP|", 200, True),
    ("identity_decide", "POST", "/laporan/identitas/{Q}/putus/", "C", 302, True),
    ("note", "POST", "/laporan/r/{R}/aksi/note/", "H", 302, True),
    # Every handling step answers 302 to a handler (done, or refused with a message when the state does not
    # allow it), or 400 with the report's page again when the form sent is incomplete (what was typed is kept):
    # the status shows access only. They change the report, so they come after the reads.
    ("take", "POST", "/laporan/r/{R}/aksi/take/", "H", 302, True),
    ("ask", "POST", "/laporan/r/{R}/aksi/ask/", "H", 302, True),
    ("link", "POST", "/laporan/r/{R}/aksi/link/", "H", 400, True),
    ("outcome", "POST", "/laporan/r/{R}/aksi/outcome/", "H", 400, True),
    ("advance", "POST", "/laporan/r/{R}/aksi/advance/", "H", 400, True),
    ("refer", "POST", "/laporan/r/{R}/aksi/refer/", "H", 400, True),
    ("assign", "POST", "/laporan/r/{R}/aksi/assign/", "H", 400, True),
    ("close", "POST", "/laporan/r/{R}/aksi/close/", "H", 400, True),
    ("reject", "POST", "/laporan/r/{R}/aksi/reject/", "H", 302, True),
    ("reopen", "POST", "/laporan/r/{R}/aksi/reopen/", "H", 302, True),
    ("verify", "POST", "/laporan/r/{R}/aksi/verify/", "H", 302, True),
    ("import", "GET", "/laporan/impor/", "H", 200, False),
    ("import_template", "GET", "/laporan/impor/templat.csv", "H", 200, False),
    ("officer_form", "GET", "/laporan/petugas/", "S", 200, False),
    ("officer_places", "GET", "/laporan/petugas/tempat.json", "S", 200, False),
    ("officer_send", "POST", "/laporan/petugas/kirim/", "S", 201, False),
    ("public_form", "GET", "/lapor/", "", 200, False),
    ("follow_start", "GET", "/lapor/ikuti/", "", 200, False),
    # the receipt and PIN open a report's public status to anyone; a session adds nothing
    ("api_status", "POST", "/api/v1/reports/status", "", 200, False),
    # the gateways' webhooks take only the gateway's secret: a signed-in session is refused like anyone
    ("webhook_sms", "POST", "/lapor/webhook/sms/", "", 403, False),
    ("webhook_whatsapp", "POST", "/lapor/webhook/whatsapp/", "", 403, False),
    # the Django admin is for staff accounts only (none of the roles makes one): the login page
    ("admin_reports", "GET", "/admin/reports/", "", 302, False),
]
POST_DATA = {
    "identity_request": {"reason": "Saksi kunci perlu dimintai keterangan oleh penyidik"},
    "identity_decide": {"approve": "1", "note": "cukup"},
    "note": {"text": "Catatan uji akses"},
    "verify": {"severity": "2"},
    "ask": {"text": "Di TPS berapa tepatnya?"},
    "link": {"receipt": "TIDAK-ADA-0000", "kind": "terkait", "reason": "uji akses"},
    "outcome": {"outcome": "uji akses", "steps_taken": "diperiksa"},
    "advance": {"stage": "tidak_ada"},
    "refer": {"path": "pidana", "note": "uji akses"},
    "assign": {"agency": "0", "note": "uji akses"},
    "close": {"reason": "uji akses"},
    "reject": {"reason": "uji akses"},
    "reopen": {"reason": "uji akses"},
    "webhook_sms": {"from": "081200000000", "text": "LAPOR keamanan uji"},
    "webhook_whatsapp": {"from": "081200000000", "text": "LAPOR keamanan uji"},
}
OFFICER_REPORT = {"category": "keamanan", "description": "Uji akses petugas", "region": HOME_DESA,
                  "client_key": "matrix-officer-1"}


def expected(caps: str, needs: str, ok: int, scoped: bool, place: str) -> int:
    """The status a role with `caps` gets. `needs` is checked before the lookup ('HP|': both before it);
    after '|': checked after the report was found ('V|H': view to look, handle for the original)."""
    before, _, after = needs.partition("|")
    if any(c not in caps for c in before):
        return 403
    if scoped and place != "home":
        return 404
    if any(c not in caps for c in after):
        return 403
    return ok


def test_the_policy_table_covers_every_role() -> None:
    assert set(POLICY) == set(ROLES)
    caps = {"V": "reports.view", "H": "reports.handle", "C": "reports.custodian", "S": "reports.submit",
            "P": "protected.view"}
    for key, letters in POLICY.items():
        held = ROLES[key].capabilities
        assert {c for c, cap in caps.items() if cap in held} == set(letters), key


def _attach(report: Report) -> Attachment:
    att = Attachment(report=report, original_name="foto.jpg", content_type="image/jpeg", size=4, sha256="0" * 64)
    att.file.save("asli.jpg", ContentFile(b"orig"), save=False)
    att.public_file.save("publik.jpg", ContentFile(b"publ"), save=False)
    att.save()
    return att


@pytest.mark.parametrize("role", sorted(POLICY) + ["anonymous"])
def test_every_route_answers_each_role_as_the_policy_says(hworld: World, role: str, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "WEBHOOK_TOKEN": "matrix-gateway-secret"}
    caps = POLICY.get(role, "")
    with audit.acting_as(SYSTEM):
        followed = intake.submit(intake.validate({"category": "keamanan", "description": "Uji ikuti",
                                                  "region": HOME_DESA}), channel="web_publik")
        if role == "anonymous":
            person = None
        else:
            person = make_person(f"matrix_{role}", hworld.agencies[AGENCY[role]], [(role, HOME_KEC)])
        own_unit = hworld.agencies[AGENCY.get(role, "kpu-malang")]
        reports = {
            "home": file_report(region=HOME_DESA, tps=f"{HOME_DESA}/001", latitude=POINT, longitude="112.41",
                                anonymous=False, reporter_name=SECRET_NAME, phone=SECRET_PHONE),
            "other": file_report(region=OTHER_DESA, anonymous=False, reporter_name=SECRET_NAME,
                                 latitude=POINT, longitude="112.46"),
            "own": file_report(region=HOME_DESA, category="netralitas", subject_kind="lain",
                               subject_unit=str(own_unit.pk), anonymous=False, reporter_name=SECRET_NAME,
                               latitude=POINT, longitude="112.41"),
        }
        atts = {k: _attach(r) for k, r in reports.items()}
        asker = hworld.people["gakkumdu"]
        pending = {k: identity.request_identity(r, act(asker), "Perlu keterangan saksi untuk berkas perkara")
                   for k, r in reports.items()}
        if person is not None and "H" in caps and "P" in caps:
            for r in reports.values():  # an approved request of this role's own, so viewing can succeed
                req = IdentityRequest.objects.create(report=r, requested_by=person.user, reason="uji akses matriks")
                identity.decide(req, act(hworld.people["bawaslu_custodian"]), True, "ok")
    client = client_for(person.user) if person is not None else None
    if client is None:
        from django.test import Client

        client = Client()
    failures = []
    for place in PLACES:
        r, a, q = reports[place], atts[place], pending[place]
        for name, method, path, needs, ok, scoped in ROUTES:
            if not scoped and place != "home":
                continue
            url = path.format(R=r.receipt, A=a.pk, Q=q.pk)
            if method == "GET":
                response = client.get(url)
            elif name == "officer_send":
                response = client.post(url, json.dumps(OFFICER_REPORT), content_type="application/json")
            elif name == "api_status":
                response = client.post(url, json.dumps({"receipt": followed.receipt, "pin": followed.pin}),
                                       content_type="application/json")
            elif name.startswith("webhook_"):
                response = client.post(url, json.dumps(POST_DATA[name]), content_type="application/json")
            else:
                response = client.post(url, POST_DATA.get(name, {}))
            want = expected(caps, needs, ok, scoped, place) if person is not None else (
                ok if not needs else 302)
            if response.status_code != want:
                failures.append(f"{role} {name} {place}: {response.status_code} != {want}")
                continue
            if response.status_code in (200, 400) and "text/html" in response.get("Content-Type", ""):
                body = response.content.decode()
                leaks = [s for s in (SECRET_NAME, SECRET_PHONE, POINT) if s in body]
                allowed = {"identity_view": {SECRET_NAME, SECRET_PHONE}, "point": {POINT}}.get(name, set())
                if set(leaks) - allowed:
                    failures.append(f"{role} {name} {place}: shows {sorted(set(leaks) - allowed)}")
    if "V" in caps:  # the board lists the report in its region only, never the one about its own unit
        board = client.get("/laporan/?tampilan=semua").content.decode()
        seen = {k for k, rep in reports.items() if rep.receipt in board}
        if seen != {"home"}:
            failures.append(f"{role} board lists {sorted(seen)}")
    assert not failures, "\n".join(failures)


def test_the_api_takes_reports_from_anyone_and_the_sender_sees_no_exact_place(hworld: World) -> None:
    from django.test import Client

    body = {"category": "keamanan", "description": "Uji akses API", "tps": f"{HOME_DESA}/001",
            "latitude": POINT, "longitude": "112.41", "anonymous": False, "reporter_name": SECRET_NAME}
    for user in (None, hworld.people["media"].user, hworld.people["bawaslu"].user):
        client = client_for(user) if user is not None else Client()
        r = client.post("/api/v1/reports", json.dumps(body), content_type="application/json")
        assert r.status_code == 201, (user, r.content)
    answer = r.json()
    follow = Client().post("/api/v1/reports/status", json.dumps({"receipt": answer["receipt"], "pin": answer["pin"]}),
                           content_type="application/json")
    assert follow.status_code == 200
    text = follow.content.decode()
    assert POINT not in text and SECRET_NAME not in text and f"{HOME_DESA}/001" not in text


def test_the_public_follow_page_blurs_the_place_to_the_desa(hworld: World) -> None:
    from django.test import Client

    data = intake.validate({"category": "keamanan", "description": "Uji halaman ikuti", "tps": f"{HOME_DESA}/001",
                            "latitude": POINT, "longitude": "112.41", "anonymous": False,
                            "reporter_name": SECRET_NAME})
    answer = intake.submit(data, channel="web_publik")
    c = Client()
    c.post("/lapor/ikuti/", {"receipt": answer.receipt, "pin": answer.pin})
    page = c.get(f"/lapor/ikuti/{answer.receipt}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert POINT not in body and SECRET_NAME not in body and "112.41" not in body


def test_a_partner_token_files_reports_and_opens_nothing_else(hworld: World) -> None:
    import io

    from django.core.management import call_command
    from django.test import Client

    out = io.StringIO()
    call_command("reports", "token", "--agency", "kpu-malang", "--name", "matriks", stdout=out, stderr=io.StringIO())
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip()}"}
    c = Client()
    home = file_report(region=HOME_DESA)
    body = {"category": "keamanan", "description": "Uji akses mitra", "region": HOME_DESA}
    sent = c.post("/api/v1/reports", json.dumps(body), content_type="application/json", **bearer)
    assert sent.status_code == 201
    assert Report.objects.get(receipt=sent.json()["receipt"]).partner == hworld.agencies["kpu-malang"]
    wrong = c.post("/api/v1/reports", json.dumps(body), content_type="application/json",
                   HTTP_AUTHORIZATION="Bearer salah")
    assert wrong.status_code == 401
    # the token is no session: the handler pages, the admin and another report's status stay closed
    for url in ("/laporan/", f"/laporan/r/{home.receipt}/", "/laporan/impor/", "/admin/reports/report/"):
        assert c.get(url, **bearer).status_code == 302, url
    assert c.post(f"/laporan/r/{home.receipt}/aksi/note/", {"text": "x"}, **bearer).status_code == 302
    status = c.post("/api/v1/reports/status", json.dumps({"receipt": home.receipt, "pin": "000000"}),
                    content_type="application/json", **bearer)
    assert status.status_code == 404
    assert c.post("/lapor/webhook/sms/", json.dumps({"from": "0812", "text": "LAPOR keamanan x"}),
                  content_type="application/json", **bearer).status_code in (403, 503)
