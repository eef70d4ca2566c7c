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
    from praja.base import audit
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


def test_five_variants_become_one_narrative_whose_verdict_and_clarification_reach_every_copy(
    live_server: Any, people: Any, page: Any, output_dir: Path, settings: Any, monkeypatch: Any
) -> None:
    """Issue 16: five edited copies of the ballot-box hoax imported as posts form one narrative of five, matched
    to the demo's fact-check (prefilled); the verdict on the narrative reaches all five and a sixth imported
    later; the clarification, approved by a second person who sees it read-only, is published on Info Resmi and
    in the feeds."""
    import json

    from praja.base import audit
    from praja.infowatch import services_analysis as core
    from praja.infowatch.factchecks import load_demo_factchecks
    from praja.infowatch.tests.appfixtures import SYSTEM, FakeClassifier, donomulyo_rawan

    settings.PRAJA_INFOWATCH_EMBEDDER = "none"
    settings.PRAJA_INFOWATCH_REGENCIES = "35.07"
    settings.PRAJA_INFOWATCH_REGION = "35.07"
    settings.PRAJA_JOBS_EAGER = True
    core.reset()
    monkeypatch.setattr(core, "classifier", lambda: FakeClassifier())
    for p in people.values():
        p.user.set_password("rahasia-uji-2024")
        p.user.save()
    donomulyo_rawan()
    with audit.acting_as(SYSTEM):
        load_demo_factchecks()
    variants = [
        ("Kotak suara di gudang PPK Donomulyo ditukar tengah malam dengan kotak berisi surat suara yang sudah "
         "dicoblos untuk paslon 02. Sebarkan!", 15000),
        ("Kotak suara di gudang PPK Donomulyo ditukar jam 2 pagi dengan kotak berisi 300 surat suara yang sudah "
         "dicoblos untuk paslon 01", 800),
        ("Kotak suara di gudang PPK Kalipare ditukar tengah malam dengan kotak berisi surat suara yang sudah "
         "dicoblos untuk paslon 02.", 300),
        ("Info warga: 12 kotak suara di gudang kecamatan Donomulyo ditukar dengan kotak yang isinya surat suara "
         "sudah dicoblos, Bu Sri saksinya", 120),
        ("VIRAL kotak suara PPK Donomulyo ditukar semalam, diganti kotak berisi surat suara tercoblos paslon nomor 1",
         2500),
    ]
    sixth = ("Beredar lagi: kotak suara di gudang PPK Donomulyo ditukar subuh tadi dengan kotak berisi surat suara "
             "yang sudah dicoblos untuk paslon 03", 50)

    def jsonl(rows: list[tuple[str, int]]) -> bytes:
        return "\n".join(json.dumps({"text": t, "reach": r, "author": f"@a{i}"}) for i, (t, r) in enumerate(rows)
                         ).encode()

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "humas", "rahasia-uji-2024")
    page.goto(live_server.url + "/info/impor/")
    page.set_input_files("#id_file", files=[{"name": "varian.jsonl", "mimeType": "application/json",
                                              "buffer": jsonl(variants)}])
    page.click("form.import-form button")
    page.wait_for_selector("#import-done")
    page.goto(live_server.url + "/info/narasi/")
    rows = page.locator("#narratives tbody tr")
    assert rows.count() == 1 and "DEMO-CF-001" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    page.wait_for_url("**/info/narasi/*/")
    assert page.locator("#narrative-members tbody tr").count() == 5
    assert page.locator("#narrative-factcheck [data-factcheck='DEMO-CF-001']").count() == 1
    assert page.locator("#id_factcheck").input_value() == "DEMO-CF-001"
    page.select_option("#id_kind", "hoax")
    page.click("#narrative-verdict-form button")
    page.wait_for_url("**/info/narasi/*/")
    narrative_url = page.url
    statuses = page.locator("#narrative-members [data-status]").evaluate_all(
        "els => els.map(e => e.dataset.status)")
    assert statuses == ["reviewed"] * 5
    page.screenshot(path=str(output_dir / "infowatch-narrative.png"), full_page=True)

    page.goto(live_server.url + "/info/impor/")
    page.set_input_files("#id_file", files=[{"name": "varian-6.jsonl", "mimeType": "application/json",
                                              "buffer": jsonl([sixth])}])
    page.click("form.import-form button")
    page.wait_for_selector("#import-done")
    page.goto(narrative_url)
    members = page.locator("#narrative-members tbody tr")
    assert members.count() == 6
    assert "Beredar lagi" in page.locator("#narrative-members").inner_text()
    assert page.locator("#narrative-members .iw-verdict").count() == 6
    assert page.locator("#narrative-members [data-status=reviewed]").count() == 6

    page.locator("#narrative-members a", has_text="Beredar lagi").click()
    page.wait_for_url("**/info/butir/*/")
    assert "Hoaks" in page.locator("#verdicts").inner_text()
    page.fill("#id_title", "Tidak ada penukaran kotak suara di gudang PPK")
    page.fill("#id_body", "Kotak suara disegel, dijaga TNI-Polri dan disaksikan Panwascam. Jangan sebarkan.")
    page.click("#clarification-form button")
    page.wait_for_url("**/info/klarifikasi/*/")
    assert page.locator("#clarification-status").get_attribute("data-status") == "draft"
    page.click("text=Keluar")

    log_in(page, live_server.url, "kapolres", "rahasia-uji-2024")
    page.goto(live_server.url + "/info/klarifikasi/")
    page.click("text=Tidak ada penukaran kotak suara di gudang PPK")
    page.wait_for_url("**/info/klarifikasi/*/")
    assert page.locator("#clarification-body[data-readonly]").count() == 1
    assert page.locator("textarea").count() == 0  # read-only for the approver
    assert page.locator("#return").count() == 1
    assert "6 butir" in page.locator("#clarification-narrative").inner_text()
    page.screenshot(path=str(output_dir / "infowatch-approve.png"), full_page=True)
    page.click("#approve")
    page.wait_for_selector("#publish")
    page.click("#publish")
    page.wait_for_selector("#clarification-status[data-status=published]")
    page.click("text=Keluar")

    page.goto(live_server.url + "/info/resmi/")
    assert "Tidak ada penukaran kotak suara di gudang PPK" in page.locator("main").inner_text()
    rss = page.request.get(live_server.url + "/info/resmi/rss.xml")
    assert rss.ok and "[HOAKS] Tidak ada penukaran kotak suara di gudang PPK" in rss.text()
    feed = page.request.get(live_server.url + "/info/resmi/feed.json").json()
    assert feed["items"][0]["title"] == "Tidak ada penukaran kotak suara di gudang PPK"
    assert feed["items"][0]["_praja"]["verdict"] == "hoax"
    assert errors == []
    core.reset()
