"""Reports in a real browser on a phone-sized screen: a citizen files a report without an account, keeps the
receipt and PIN, and follows the report from another browser by receipt; a handler verifies and refers it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, world  # noqa: F401
from tests.browser.waits import wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "id-ID"}


def test_a_citizen_files_a_report_on_a_phone_and_follows_it_by_receipt(
    live_server: Any, world: Any, browser: Any, output_dir: Path  # noqa: F811
) -> None:
    from praja.reports.models import Report

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(live_server.url + "/")  # the public finds the form from the first page
    page.click("a.public-report")
    page.wait_for_url("**/lapor/")
    page.wait_for_load_state("load")
    sizes = page.evaluate("""() => [performance.getEntriesByType('navigation')[0],
        ...performance.getEntriesByType('resource')].map(e => [e.name, e.decodedBodySize])""")
    weight = sum(size for _name, size in sizes)
    (output_dir / "reports-public-form-weight.txt").write_text(f"{weight} bytes: {sizes}\n")
    assert weight < 40_000, sizes  # the whole form: page, stylesheet and script, before compression
    page.select_option("#id_category", "politik_uang")
    page.check("input[name=severity][value='3']")
    page.fill("#id_description", "Tim sukses membagikan amplop berisi uang di depan TPS pagi ini.")
    page.select_option("#id_kecamatan", HOME_KEC)  # the script fetches the desa of the kecamatan
    page.wait_for_selector(f"#id_desa option[value='{HOME_DESA}']", state="attached")
    page.select_option("#id_desa", HOME_DESA)
    page.wait_for_selector(f"#id_tps option[value='{HOME_DESA}/002']", state="attached")
    page.select_option("#id_tps", f"{HOME_DESA}/002")
    assert page.is_hidden("#pick-button")  # the no-JavaScript button is not needed
    page.screenshot(path=str(output_dir / "reports-public-form.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form is wider than the phone: {width}px"
    page.click("#send")
    page.wait_for_url("**/lapor/terima/")
    code = page.inner_text("#receipt-code").strip()
    pin = page.inner_text("#receipt-pin").strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code) and re.fullmatch(r"\d{6}", pin)
    page.screenshot(path=str(output_dir / "reports-public-receipt.png"), full_page=True)
    report = Report.objects.get(receipt=code)
    assert report.tps_id == f"{HOME_DESA}/002" and report.severity == 3 and report.anonymous
    page.reload()
    assert pin not in page.content()  # shown once
    context.close()

    # another phone, with only the receipt and PIN
    other = browser.new_context(**PHONE)
    page = other.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/lapor/ikuti/")
    page.fill("#id_receipt", code.lower().replace("-", ""))
    page.fill("#id_pin", pin)
    page.click("button.send")
    page.wait_for_url(f"**/lapor/ikuti/{code}/")
    assert page.get_attribute("#report-status", "data-status") == "baru"
    assert "Tulungrejo" in page.inner_text("main") and f"{HOME_DESA}/002" not in page.content()
    page.screenshot(path=str(output_dir / "reports-public-follow.png"), full_page=True)

    # A handler at the Polres command post verifies the report and refers it to Sentra Gakkumdu.
    from praja.accounts.models import Agency

    Agency.objects.create(slug="gakkumdu-kab-malang", kind="gakkumdu", name="Sentra Gakkumdu Kab. Malang",
                          region_id="35.07")
    ops = world.people["polres_ops"].user
    ops.set_password("ops-uji-2024")
    ops.save()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    handler = desk.new_page()
    handler.set_default_timeout(20_000)
    handler.on("pageerror", lambda exc: errors.append(str(exc)))
    handler.goto(live_server.url + "/akun/masuk/")
    handler.fill("input[name=username]", ops.username)
    handler.fill("input[name=password]", "ops-uji-2024")
    handler.click("button[type=submit]")
    handler.wait_for_url(live_server.url + "/")
    handler.goto(live_server.url + "/laporan/")
    handler.click("nav.rh-tabs a[href*='tampilan=baru']")  # a new report waits in the triage inbox
    handler.click(f"a[href*='{code}']")
    handler.wait_for_url(f"**/laporan/r/{code}/")
    handler.click("form[action$='/aksi/verify/'] button[type=submit]")
    handler.wait_for_url(f"**/laporan/r/{code}/")
    report.refresh_from_db()
    assert report.status == "terverifikasi"
    refer = handler.locator("form[action$='/aksi/refer/']")
    refer.locator("xpath=ancestor::details").locator("summary").click()
    refer.locator("select[name=path]").select_option("pidana")
    refer.locator("button[type=submit]").click()
    handler.wait_for_url(f"**/laporan/r/{code}/")
    report.refresh_from_db()
    assert report.status == "diteruskan" and report.legal_path == "pidana"
    assert report.referred_to is not None and report.referred_to.kind == "gakkumdu" and report.due_at is not None
    assert "Sentra Gakkumdu" in handler.inner_text("main")
    handler.screenshot(path=str(output_dir / "reports-handler-referred.png"), full_page=True)
    desk.close()

    # The sender sees the new status with only the receipt and PIN.
    page.reload()
    assert page.get_attribute("#report-status", "data-status") == "diteruskan"
    other.close()
    assert errors == []


def _fill_officer_report(page: Any, category: str, description: str, tps_number: str) -> None:
    """The officer's form filled for a TPS of the home desa (not sent)."""
    page.select_option("#of_category", category)
    page.fill("#of_description", description)
    page.select_option("#of_kec", HOME_KEC)
    page.select_option("#of_desa", HOME_DESA)
    page.select_option("#of_tps", f"{HOME_DESA}/{tps_number}")


def _officer_signed_in(
    live_server: Any, world: Any, browser: Any, monkeypatch: Any  # noqa: F811
) -> tuple[Any, Any, list[str]]:
    """The Polsek officer of the fixture world signed in on a phone-sized page; page errors are collected."""
    from praja.accounts import middleware
    from praja.base import access

    user = world.people["officer"].user
    user.set_password("petugas-uji-2024")
    user.save()
    if "reports.submit" not in access.capabilities_for(user):  # before the handling roles landed
        real = middleware.capabilities_for
        monkeypatch.setattr(middleware, "capabilities_for", lambda u: real(u) | {"reports.submit"})
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/akun/masuk/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "petugas-uji-2024")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return context, page, errors


def test_an_officer_report_made_without_signal_is_sent_once_when_it_returns(
    live_server: Any, world: Any, browser: Any, output_dir: Path, monkeypatch: Any  # noqa: F811
) -> None:
    from praja.reports.models import Report

    context, page, errors = _officer_signed_in(live_server, world, browser, monkeypatch)
    page.goto(live_server.url + "/laporan/petugas/")
    page.wait_for_selector("#picker:not([hidden])")
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    _fill_officer_report(page, "logistik", "Kotak suara TPS 2 datang tanpa segel.", "002")
    page.click("#of_send")
    page.wait_for_selector("#queue li[data-state=pending]")
    assert page.inner_text("#queue-count") == "1" and Report.objects.count() == 0
    page.screenshot(path=str(output_dir / "reports-officer-offline.png"), full_page=True)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sent li .rc")
    page.evaluate("window.dispatchEvent(new Event('online'))")  # another signal change sends nothing again
    page.wait_for_timeout(300)
    report = Report.objects.get()
    assert page.inner_text("#sent li .rc") == report.receipt and page.is_hidden("#queue-box")
    assert report.tps_id == f"{HOME_DESA}/002" and report.channel == "web_petugas"
    page.screenshot(path=str(output_dir / "reports-officer-sent.png"), full_page=True)
    context.close()
    assert errors == []


def test_the_officer_form_opens_without_signal_once_it_was_opened_before(
    live_server: Any, world: Any, browser: Any, output_dir: Path, monkeypatch: Any  # noqa: F811
) -> None:
    """At a TPS without signal the officer opens the form again (a reload, or the browser restarted the tab):
    the service worker serves the page, its script and the TPS list from its cache, and a report made then
    is kept on the phone and sent once when the signal returns."""
    from praja.reports.models import Report

    context, page, errors = _officer_signed_in(live_server, world, browser, monkeypatch)
    page.goto(live_server.url + "/laporan/petugas/")
    page.wait_for_selector("#picker:not([hidden])")
    # Wait until the service worker controls the page and holds the form and the TPS list in its cache.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()  # a worker installed by this visit controls the page from the next load on
        page.wait_for_selector("#picker:not([hidden])")
    wait_js(page, "navigator.serviceWorker.controller !== null")
    wait_js(page, """async () => {
        const keys = await caches.keys();
        for (const k of keys) { const c = await caches.open(k); if ((await c.keys()).length >= 3) return true; }
        return false; }""", polling=300)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#picker:not([hidden])")
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    _fill_officer_report(page, "keamanan", "Warga berkumpul di depan TPS 1, belum ada sinyal.", "001")
    page.click("#of_send")
    page.wait_for_selector("#queue li[data-state=pending]")
    assert Report.objects.count() == 0
    page.screenshot(path=str(output_dir / "reports-officer-offline-reload.png"), full_page=True)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sent li .rc")
    page.wait_for_timeout(300)
    report = Report.objects.get()
    assert report.tps_id == f"{HOME_DESA}/001" and page.inner_text("#sent li .rc") == report.receipt
    context.close()
    assert errors == []


def test_an_officer_sends_a_report_with_a_photo_while_online(
    live_server: Any, world: Any, browser: Any, output_dir: Path, tmp_path: Path, monkeypatch: Any  # noqa: F811
) -> None:
    """With signal the photo goes with the report (a second request once the receipt is back), checked and
    stored with its hash; the receipt in the sent list links to the report's page."""
    import hashlib
    import io

    from PIL import Image

    from praja.reports.models import Attachment, Report

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, format="JPEG")
    photo = tmp_path / "segel.jpg"
    photo.write_bytes(buf.getvalue())
    context, page, errors = _officer_signed_in(live_server, world, browser, monkeypatch)
    page.goto(live_server.url + "/laporan/petugas/")
    page.wait_for_selector("#picker:not([hidden])")
    _fill_officer_report(page, "logistik", "Segel kotak suara TPS 2 rusak, foto terlampir.", "002")
    page.set_input_files("#of_photo", str(photo))
    page.click("#of_send")
    page.wait_for_selector("#sent li a.rc")
    wait_js(page, "Array.from(document.querySelectorAll('#sent li .muted'))"
                  ".some(e => e.textContent.includes('foto terlampir'))")
    report = Report.objects.get()
    attachment = Attachment.objects.get(report=report)
    assert attachment.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    link = page.get_attribute("#sent li a.rc", "href") or ""
    assert report.receipt in link
    page.screenshot(path=str(output_dir / "reports-officer-photo-sent.png"), full_page=True)
    context.close()
    assert errors == []
