"""The deployment plan in a real browser: the Polres operations officer plans the demo district, waits
for the plan, reads it, downloads the XLSX (a sheet per Polsek) and opens the map of its posts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.waits import wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def test_ops_officer_plans_the_demo_district_and_downloads_the_xlsx(
    live_server: Any, demo_district: Any, page: Any, output_dir: Path, settings: Any, tmp_path: Path, request: Any
) -> None:
    from praja.demo.district import DEMO_PASSWORDS
    from praja.deployment.models import Plan
    from praja.jobqueue.worker import ThreadWorker
    from praja.territory.models import Jurisdiction

    # The plan runs as a job in the durable queue, taken by a worker (here a thread of the test's process; under
    # `praja serve` a worker process); the page polls its progress until it is done. The XLSX is a job too: its
    # page shows a progress line, then the download.
    settings.PRAJA_JOBS_EAGER = False
    settings.PRAJA_CELERY_BROKER_URL = ""
    settings.PRAJA_JOBS_INLINE_WAIT_S = 0
    worker = ThreadWorker().__enter__()
    request.addfinalizer(worker.__exit__)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "ops.polres", DEMO_PASSWORDS["ops.polres"])
    page.click("nav.mainnav >> text=Pengamanan")
    page.wait_for_url("**/pengamanan/")
    page.click("text=Rencana baru")
    page.wait_for_url("**/pengamanan/rencana/baru/**")
    assert page.locator("#id_wilayah").input_value() == "35.07"
    page.fill("input[name=name]", "uji peramban")
    page.click("#plan-submit")
    page.wait_for_url("**/pengamanan/rencana/*/")
    page.wait_for_selector("#plan-status.status-done", timeout=60_000)
    plan = Plan.objects.get(name="uji peramban")
    assert plan.status == Plan.Status.DONE and plan.tps_count == 4042 and plan.backend == "in-process"
    assert page.locator("[data-figure=tps] .card-num").inner_text() == "4.042"
    assert page.locator("[data-figure=uncovered] .card-num").inner_text() == "0"
    bound = page.locator("#bound").inner_text()
    assert "Terbukti optimal" in bound or "kali batas bawah" in bound
    page.screenshot(path=str(output_dir / "deployment-plan.png"), full_page=True)

    page.click("#download-xlsx")
    page.wait_for_url("**/tugas/*/")
    assert page.locator("#job-status .progress-line").inner_text() != ""
    page.wait_for_selector("#job-download", timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.click("#job-download")
    download = info.value
    page.goto(live_server.url + f"/pengamanan/rencana/{plan.pk}/")
    assert download.suggested_filename == f"rencana_pengamanan_3507_v{plan.number}.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    wb = openpyxl.load_workbook(target, read_only=True)
    polsek = set(Jurisdiction.objects.filter(kind="polsek").values_list("name", flat=True))
    assert wb.sheetnames[0] == "Ringkasan"
    assert set(wb.sheetnames[1:]) == polsek and len(polsek) == 33
    wb.close()

    page.click("text=Peta pos dan TPS")
    wait_js(page, "document.getElementById('map-counts').dataset.state !== 'loading'", timeout=60_000)
    counts = page.locator("#map-counts")
    assert counts.get_attribute("data-state") == "done"
    assert counts.get_attribute("data-tps") == "4042"
    assert counts.get_attribute("data-posts") == str(plan.posts_count)
    page.evaluate("""() => {
      const map = document.getElementById('map').prajaMap;
      map.setView([-8.159, 112.634], 14, {animate: false});
    }""")
    page.wait_for_timeout(400)
    page.screenshot(path=str(output_dir / "deployment-map.png"))
    assert errors == []
