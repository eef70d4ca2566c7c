"""Infowatch in a real browser: humas opens the riskiest item of the queue, records the verdict with the
matching fact-check and drafts a clarification; the Kapolres approves and publishes it; anyone reads it on
Info Resmi and in the RSS feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def test_an_item_goes_from_the_queue_to_a_published_clarification(
    live_server: Any, people: Any, factchecks: Any, page: Any, output_dir: Path, settings: Any
) -> None:
    from praja.accounts import audit
    from praja.infowatch import services
    from praja.infowatch.tests.appfixtures import SYSTEM, donomulyo_rawan

    for p in people.values():
        p.user.set_password("rahasia-uji-2024")
        p.user.save()
    donomulyo_rawan()
    with audit.acting_as(SYSTEM):
        services.ingest_manual("Jadwal kampanye paslon di Kalipare", reach=50)
        services.ingest_manual("VIRAL!! Surat suara sudah dicoblos paslon sebelum pilkada di gudang Donomulyo "
                               "<script>alert('x')</script>", reach=12000, author="@kabar_cepat")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: errors.append("dialog: " + d.message))

    log_in(page, live_server.url, "humas", "rahasia-uji-2024")
    page.click("nav.mainnav >> text=Info")
    page.wait_for_url("**/info/")
    first = page.locator("#queue tbody tr").first
    assert "Surat suara sudah dicoblos" in first.inner_text()
    page.screenshot(path=str(output_dir / "infowatch-queue.png"), full_page=True)
    first.locator("a").first.click()
    page.wait_for_url("**/info/butir/*/")
    assert page.locator("#matches [data-factcheck='3741']").count() == 1
    assert "klaim yang sama" in page.locator("#matches").inner_text()
    assert "<script>" in page.locator("#item-text").inner_text()  # shown as text, never run
    assert page.locator("#id_factcheck").input_value() == "3741"
    page.select_option("#id_kind", "hoax")
    page.click("#verdict-form button")
    page.wait_for_url("**/info/butir/*/")
    page.fill("#id_title", "Tidak benar surat suara sudah dicoblos di Donomulyo")
    page.fill("#id_body", "Surat suara Pilkada disegel dan dijaga di gudang KPU. Jangan sebarkan kabar ini.")
    page.screenshot(path=str(output_dir / "infowatch-item.png"), full_page=True)
    page.click("#clarification-form button")
    page.wait_for_url("**/info/klarifikasi/*/")
    assert page.locator("#clarification-status").get_attribute("data-status") == "draft"
    page.click("text=Keluar")

    log_in(page, live_server.url, "kapolres", "rahasia-uji-2024")
    page.goto(live_server.url + "/info/klarifikasi/")
    page.click("text=Tidak benar surat suara sudah dicoblos di Donomulyo")
    page.click("#approve")
    page.wait_for_selector("#publish")
    page.click("#publish")
    page.wait_for_selector("#clarification-status[data-status=published]")
    page.click("text=Keluar")

    page.goto(live_server.url + "/info/resmi/")
    assert "Tidak benar surat suara sudah dicoblos di Donomulyo" in page.locator("main").inner_text()
    assert "HOAKS" in page.locator("main").inner_text().upper()
    page.screenshot(path=str(output_dir / "infowatch-info-resmi.png"), full_page=True)
    rss = page.request.get(live_server.url + "/info/resmi/rss.xml")
    assert rss.ok and "Tidak benar surat suara sudah dicoblos di Donomulyo" in rss.text()
    assert errors == []
