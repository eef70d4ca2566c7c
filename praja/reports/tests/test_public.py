"""The public report form, the receipt shown once, and following a report with its receipt and PIN."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, world  # noqa: F401
from praja.reports.models import Report, TimelineEntry
from praja.situation.tests.conftest import compiled_messages  # noqa: F401 - the fixture

FORM = "/lapor/"


def form_key(client: Client) -> str:
    page = client.get(FORM).content.decode()
    return re.search(r'name="client_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def send(client: Client, **fields: Any) -> Any:
    data = {"client_key": fields.pop("client_key", None) or form_key(client), "category": "politik_uang",
            "severity": "3", "description": "Pembagian amplop di balai desa", "kabupaten": "35.07",
            "kecamatan": HOME_KEC, "desa": HOME_DESA, "tps": f"{HOME_DESA}/002", "identity": "anonim"}
    data.update(fields)
    return client.post(FORM, data)


def shown(client: Client) -> tuple[str, str]:
    page = client.get("/lapor/terima/").content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    pin = re.search(r'id="receipt-pin">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    return code, pin


def test_the_form_is_small_and_needs_no_login_or_framework_script(world: Any) -> None:  # noqa: F811
    response = Client().get(FORM)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="viewport"' in page and "htmx" not in page
    assert len(response.content) < 20_000, len(response.content)
    # every category and the chained where-pickers, with the one kecamatan list of the served regency
    assert 'value="hoaks"' in page and 'value="netralitas"' in page
    assert ">Donomulyo<" in page and 'name="desa"' in page


def test_the_where_pickers_chain_without_javascript(world: Any) -> None:  # noqa: F811
    client = Client()
    page = client.post(FORM, {"_pick": "1", "kabupaten": "35.07", "kecamatan": HOME_KEC}).content.decode()
    assert ">Tulungrejo<" in page and ">Sumberoto<" in page and ">Arjosari<" not in page
    page = client.post(FORM, {"_pick": "1", "kabupaten": "35.07", "kecamatan": HOME_KEC, "desa": HOME_DESA,
                              "description": "tetap ada"}).content.decode()
    assert "TPS 001" in page and "TPS 002" in page and "tetap ada" in page
    assert Report.objects.count() == 0
    fragment = client.get("/lapor/wilayah/", {"kabupaten": "35.07", "kecamatan": HOME_KEC, "desa": HOME_DESA})
    assert "TPS 002" in fragment.content.decode() and "<html" not in fragment.content.decode()


def test_an_anonymous_report_gets_a_receipt_and_pin_shown_once(world: Any) -> None:  # noqa: F811
    client = Client()
    response = send(client)
    assert response.status_code == 302 and response["Location"] == "/lapor/terima/"
    code, pin = shown(client)
    report = Report.objects.get(receipt=code)
    assert report.channel == "web_publik" and report.anonymous and report.reporter_sealed == ""
    assert report.tps_id == f"{HOME_DESA}/002" and report.region_id == HOME_DESA and report.severity == 3
    assert "no-store" in client.get("/lapor/terima/")["Cache-Control"]
    again = client.get("/lapor/terima/").content.decode()
    assert pin not in again and "sudah ditampilkan" in again


def test_a_double_tap_stores_one_report_and_shows_the_same_pin(world: Any) -> None:  # noqa: F811
    client = Client()
    key = form_key(client)
    send(client, client_key=key)
    first = shown(client)
    send(client, client_key=key)
    assert shown(client) == first and Report.objects.count() == 1


def test_a_named_report_seals_the_identity_and_a_missing_one_is_named(world: Any) -> None:  # noqa: F811
    client = Client()
    bad = send(client, identity="nama")
    assert bad.status_code == 400 and "isi nama atau kontak" in bad.content.decode()
    send(client, identity="nama", reporter_name="Siti Aminah", phone="0812 3333 4444")
    report = Report.objects.get()
    assert not report.anonymous and "Siti" not in report.reporter_sealed and report.phone_hash


def test_bad_fields_are_named_and_what_was_typed_is_kept(world: Any) -> None:  # noqa: F811
    response = send(Client(), category="", description="", title="Judul saya", latitude="abc")
    page = response.content.decode()
    assert response.status_code == 400
    assert "kategori tidak dikenal" in page and "uraian kejadian wajib diisi" in page and "harus berupa angka" in page
    assert 'value="Judul saya"' in page and Report.objects.count() == 0


def test_follow_opens_with_receipt_and_pin_only(world: Any) -> None:  # noqa: F811
    client = Client()
    send(client)
    code, pin = shown(client)
    other = Client()
    assert other.get(f"/lapor/ikuti/{code}/").status_code == 302  # not opened in this browser
    wrong = other.post("/lapor/ikuti/", {"receipt": code, "pin": "000000" if pin != "000000" else "111111"})
    assert wrong.status_code == 400 and "tidak cocok" in wrong.content.decode()
    ok = other.post("/lapor/ikuti/", {"receipt": code.lower().replace("-", " "), "pin": pin})
    assert ok.status_code == 302 and ok["Location"] == f"/lapor/ikuti/{code}/"
    page = other.get(ok["Location"]).content.decode()
    assert "Baru" in page and "Pembagian amplop" in page and "Tulungrejo" in page
    assert f"{HOME_DESA}/002" not in page  # blurred to the desa


def test_the_sender_sees_a_handlers_question_and_answers_it(world: Any) -> None:  # noqa: F811
    client = Client()
    send(client)
    code, _pin = shown(client)
    report = Report.objects.get(receipt=code)
    q = TimelineEntry.objects.create(report=report, kind="pertanyaan", text="Jam berapa kejadiannya?",
                                     actor_label="Bawaslu", visible_to_sender=True)
    TimelineEntry.objects.create(report=report, kind="catatan", text="catatan internal rahasia")
    page = client.get(f"/lapor/ikuti/{code}/").content.decode()
    assert "Jam berapa kejadiannya?" in page and "catatan internal rahasia" not in page
    response = client.post(f"/lapor/ikuti/{code}/", {"question": str(q.pk), "text": "Sekitar jam 9 pagi"})
    assert response.status_code == 302
    answer = TimelineEntry.objects.get(report=report, kind="jawaban")
    assert answer.data == {"question": q.pk} and answer.visible_to_sender and answer.channel == "web_publik"
    page = client.get(f"/lapor/ikuti/{code}/").content.decode()
    assert "Sekitar jam 9 pagi" in page and f'name="question" value="{q.pk}"' not in page


def test_the_form_and_follow_are_rate_limited_per_address(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": (2, 600), "FOLLOW_RATE": (2, 600)}
    client = Client()
    assert send(client).status_code == 302 and send(client).status_code == 302
    limited = send(client)
    assert limited.status_code == 429 and "Terlalu banyak" in limited.content.decode()
    assert Report.objects.count() == 2
    tries = [client.post("/lapor/ikuti/", {"receipt": "AAAA-BBBB-CCCC", "pin": "1"}).status_code for _ in range(3)]
    assert tries == [400, 400, 429]


def test_the_form_is_rate_limited_per_phone_number(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PHONE_RATE": (1, 3600)}
    assert send(Client(), identity="nama", phone="081211112222").status_code == 302
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    assert send(other_address, identity="nama", phone="+62 812-1111-2222").status_code == 429


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_login_page_links_to_the_public_form(world: Any, lang: str) -> None:  # noqa: F811
    client = Client()
    client.cookies["django_language"] = lang
    page = client.get("/akun/masuk/").content.decode()
    assert 'href="/lapor/"' in page


def test_it_keeps_no_phone_number_of_an_anonymous_sender(world: Any) -> None:  # noqa: F811
    from praja.reports import identity

    client = Client()
    assert send(client, identity="anonim", phone="0812 7777 8888", reporter_name="Siti").status_code == 302
    report = Report.objects.get()
    assert report.anonymous and report.reporter_sealed == "" and report.phone_hash == ""
    assert not identity.has_identity(report)


def test_an_anonymous_senders_number_still_counts_toward_the_per_phone_limit(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PHONE_RATE": (1, 3600)}
    assert send(Client(), phone="081233334444").status_code == 302
    assert send(Client(REMOTE_ADDR="10.9.9.8"), phone="+62 812-3333-4444").status_code == 429
    assert Report.objects.get().phone_hash == ""


def test_a_report_without_a_kecamatan_is_filed_under_the_chosen_regency(world: Any) -> None:  # noqa: F811
    assert send(Client(), kecamatan="", desa="", tps="").status_code == 302
    report = Report.objects.get()
    assert report.region_id == "35.07" and report.tps_id is None


def test_the_form_and_the_api_share_one_limit_per_address_and_per_phone(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "PUBLIC_RATE": (1, 600), "PHONE_RATE": (1, 3600)}
    body = {"category": "politik_uang", "description": "Amplop dibagikan"}
    client = Client(REMOTE_ADDR="10.5.5.5")
    assert send(client).status_code == 302  # the form's one report from this address
    api = client.post("/api/v1/reports", body, content_type="application/json")
    assert api.status_code == 429 and int(api["Retry-After"]) > 0  # the API does not start a second count
    assert send(Client(REMOTE_ADDR="10.5.5.6"), identity="nama", phone="081244445555").status_code == 302
    other = Client(REMOTE_ADDR="10.5.5.7").post("/api/v1/reports", {**body, "phone": "+62 812 4444 5555"},
                                                content_type="application/json")
    assert other.status_code == 429
    assert Report.objects.count() == 2


def test_the_follow_page_in_english_names_one_report(world: Any, compiled_messages: Any) -> None:  # noqa: F811
    client = Client()
    send(client)
    code, _pin = shown(client)
    client.post("/i18n/setlang/", {"language": "en", "next": f"/lapor/ikuti/{code}/"})
    page = client.get(f"/lapor/ikuti/{code}/").content.decode()
    assert re.search(rf"<h1>Report <span class=\"code\">{code}</span></h1>", page), page[:2000]
    assert f"<title>Report {code}" in page
