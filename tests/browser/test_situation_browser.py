"""The situation picture in a real browser: Bag Ops holds a rakor and turns its decision into a commitment of
Polsek Donomulyo; the Kapolsek closes it with evidence; Bag Ops opens the dashboard (map shaded by the
kondusif index, the commitment counted as done) and issues the day's lapsit, downloads the PDF and checks its
hash. Screenshots of the dashboard (situation-dashboard-top.png) and of the lapsit's first page
(lapsit-page1.png) go to test-output/browser/; the copies in docs/img/ are refreshed from there by hand, so a
test run leaves the tree as it was."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-uji-2024"


def log_in(browser: Any, base_url: str, username: str, errors: list[str]) -> Any:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")
    return page


def test_rakor_to_commitment_to_dashboard_and_lapsit(live_server: Any, browser: Any, output_dir: Path,
                                                     settings: Any) -> None:
    from praja.situation.models import Lapsit
    from praja.situation.tests.busy import make_report, narrative, score_tps
    from praja.situation.tests.conftest import build_world, person

    world = build_world()
    ops = person("bagops", world.agencies["polres-malang"], [("polres_ops", "35.07")], "AKP Hendra")
    kapolsek = person("kapolsek", world.agencies["polsek-donomulyo"], [("polsek_leader", "35.07.01")],
                      "Kompol Sugeng")
    for p in (ops, kapolsek):
        p.user.set_password(PASSWORD)
        p.user.save()
    score_tps(world, {"35.07.01.2001/001": "sangat_rawan", "35.07.01.2001/002": "rawan",
                      "35.07.01.2002/001": "aman", "35.07.02.2001/001": "aman", "35.07.02.2001/002": "aman"})
    make_report("35.07.01.2001/001", "35.07.01.2001", severity=4, title="Bentrok massa pendukung di TPS 1")
    make_report(None, "35.07.01.2002", severity=2, title="Baliho paslon dirusak", category="keamanan")
    make_report(None, "35.07.02.2001", severity=2, title="Dugaan politik uang", category="politik_uang")
    narrative(["35.07.01"], title="Hoaks: surat suara sudah dicoblos di gudang Donomulyo")
    settings.PRAJA_SITUATION = {**settings.PRAJA_SITUATION, "POLL_SECONDS": 2}
    errors: list[str] = []
    base = live_server.url

    # 1. Bag Ops holds a rakor with a decision, and makes it a commitment of Polsek Donomulyo.
    page = log_in(browser, base, "bagops", errors)
    page.goto(base + "/koordinasi/rakor/baru/")
    page.fill("#id_title", "Rakor Forkopimda kesiapan masa tenang")
    page.fill("#id_held_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Pendopo Kabupaten Malang")
    page.fill("#id_chair", "Kapolres Malang")
    page.select_option("#id_region", "35.07")
    page.fill("#id_agenda", "Kesiapan pengamanan masa tenang")
    page.fill("#id_minutes", "Rapat dibuka pukul 09.00 oleh Kapolres.")
    page.locator("form.co-form button[type=submit]").click()
    page.wait_for_url("**/koordinasi/rakor/*/")
    page.fill("#id_text", "Polsek Donomulyo menertibkan baliho di sekitar TPS rawan")
    page.locator("form.co-form", has_text="Tambah keputusan").locator("button").click()
    page.wait_for_url("**/koordinasi/rakor/*/")
    page.select_option("#id_owner", label="Polsek Donomulyo")
    page.fill("#id_due_date", (timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    page.locator("button", has_text="Jadikan komitmen").click()
    page.wait_for_url("**/koordinasi/rakor/*/")
    assert "Polsek Donomulyo" in page.locator("#decisions").inner_text()

    # 2. The Kapolsek (owner agency) closes it with evidence.
    polsek = log_in(browser, base, "kapolsek", errors)
    polsek.goto(base + "/koordinasi/komitmen/?instansi=saya")
    polsek.locator("a", has_text="Tutup dengan bukti").first.click()
    polsek.fill("#id_evidence", "12 baliho ditertibkan bersama Satpol PP, foto terlampir di laporan kegiatan.")
    polsek.locator("form.co-form button[type=submit]").click()
    polsek.wait_for_load_state()
    polsek.context.close()

    # 3. Bag Ops opens the dashboard: the map is shaded, the commitment counts as done.
    page.click("nav.mainnav >> text=Situasi")
    page.wait_for_url("**/situasi/")
    page.wait_for_selector("#map-counts[data-state=done]")
    assert page.locator("#kondusif .sit-score").count() == 1
    assert page.locator("#drill tbody tr").count() == 2
    assert "Bentrok massa pendukung di TPS 1" in page.locator("#sit-events").inner_text()
    assert "selesai dengan bukti: 1" in page.content()  # the commitments chart's legend
    shaded = page.evaluate("""() => { let n = 0; document.getElementById('map').prajaMap.eachLayer(l => {
        const o = l.options; if (o && o.fillColor && o.fillColor !== '#fffdf7' && o.fillOpacity > 0.5) n++; });
        return n; }""")
    assert shaded >= 1
    # A new report arrives without reloading (htmx polls the events and the counts).
    make_report(None, "35.07.02.2001", severity=3, title="Intimidasi pemilih di Arjosari", hours_ago=0)
    page.wait_for_selector("#sit-events >> text=Intimidasi pemilih di Arjosari", timeout=15_000)
    assert page.locator("[data-figure=reports_24h]").inner_text().strip() == "4"
    page.screenshot(path=str(output_dir / "situation-dashboard.png"), full_page=True)
    page.screenshot(path=str(output_dir / "situation-dashboard-top.png"), full_page=False)

    # 4. The day's lapsit: issued, archived with its hash, downloaded.
    page.goto(base + "/situasi/lapsit/?wilayah=35.07")
    page.fill("#catatan", "Situasi wilayah kondusif. Tingkatkan patroli dialogis di Donomulyo.")
    page.locator("#lapsit-issue button").click()
    page.wait_for_url("**/situasi/lapsit/*/")
    sha = page.locator("#pdf-sha").inner_text().strip()
    with page.expect_download() as dl:
        page.click("#lapsit-pdf")
    data = Path(dl.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == sha
    assert Lapsit.objects.get(audience="pimpinan").pdf_sha256 == sha

    # The lapsit's first page as PNG: the downloaded PDF itself through poppler's pdftoppm (installed by
    # `make test`); the HTML draft the PDF is made from, at A4 width in Chromium, as well.
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        pdf_path = output_dir / "lapsit.pdf"
        pdf_path.write_bytes(data)
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                        str(output_dir / "lapsit-page1")], check=True, timeout=60)
    page.set_viewport_size({"width": 794, "height": 1123})
    page.goto(base + "/situasi/lapsit/draf/?wilayah=35.07&catatan=Situasi+wilayah+kondusif.")
    if not pdftoppm:
        page.screenshot(path=str(output_dir / "lapsit-page1.png"), full_page=False)
    page.screenshot(path=str(output_dir / "lapsit-draft.png"), full_page=True)
    assert errors == []
