"""Issue 13's proof in a real browser: a voting-day drill played at high speed, checked as the Kapolres and the
partners who follow the day (Gakkumdu, the Polsek, Panwascam and the Camat of the surging kecamatan)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.waits import wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURGE = "35.07.01"  # Donomulyo: the demo's Polsek, Panwascam and Camat accounts sit there


def log_in(browser: Any, base: str, username: str) -> Any:
    from praja.demo.district import DEMO_PASSWORDS

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/akun/faktor-kedua/" in page.url:  # roles that may see protected data sign in with a second factor
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("input[name=token]", f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
        page.click("form button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def view_the_drill(page: Any) -> None:
    """The LATIHAN banner on every page offers the drill's data; the person chooses to view it."""
    page.wait_for_selector("#drill-banner")
    page.click("#drill-banner button[name=lihat]")
    page.wait_for_load_state("load")
    assert "Anda melihat data latihan" in page.inner_text("#drill-banner")


def test_the_kapolres_follows_a_drill_played_at_high_speed(
    live_server: Any, demo_district: Any, browser: Any, output_dir: Path, settings: Any
) -> None:
    from praja.base import audit
    from praja.deployment import pattern_settings, plan_jobs, regency_pools
    from praja.jobqueue.worker import ThreadWorker
    from praja.ops.models import Drill, DrillPost
    from praja.reports.models import Report

    settings.PRAJA_JOBS_EAGER = False
    with audit.acting_as(audit.Actor(None, "system:test", "", "cli")):
        plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                     pattern_settings.settings_for("35.07").to_core(),
                                     regency_pools.snapshot_pools("35.07"))
        plan_jobs.run_plan(plan.pk)
    base = live_server.url
    errors: list[str] = []

    # The operations officer starts the drill from its page: an hour of the day per second, Donomulyo surging.
    with ThreadWorker():
        ops = log_in(browser, base, "ops.polres")
        ops.on("pageerror", lambda exc: errors.append(str(exc)))
        ops.goto(base + "/latihan/")
        ops.select_option("select[name=kecepatan]", "3600")
        ops.fill("input[name=laporan]", "120")
        ops.select_option("select[name=lonjakan]", SURGE)
        ops.click("form[action$='mulai/'] button[type=submit]")
        ops.wait_for_selector("#drill-banner")
        ops.close()  # nobody watches the drill page: the play job runs the day
        drill = Drill.objects.get()
        deadline = time.monotonic() + 240
        while Drill.objects.get().status == Drill.Status.RUNNING and time.monotonic() < deadline:
            time.sleep(1)
    drill.refresh_from_db()
    assert drill.status == Drill.Status.DONE
    case = Report.objects.get(drill=drill, title__startswith="Serangan fajar")

    # The Kapolres views the drill: the dashboard of the regency at the drill's clock.
    kapolres = log_in(browser, base, "kapolres")
    kapolres.on("pageerror", lambda exc: errors.append(str(exc)))
    kapolres.goto(base + "/situasi/?wilayah=35.07")
    assert "Angka di halaman ini data nyata" in kapolres.inner_text("#drill-banner")
    view_the_drill(kapolres)
    kapolres.goto(base + "/situasi/?wilayah=35.07")
    wait_js(kapolres, "document.getElementById('map-counts').dataset.state !== 'loading'", timeout=60_000)
    # the surging kecamatan is siaga on the map (its shade and label)
    config = json.loads(kapolres.inner_text("#map-config"))
    assert "siaga" in config["shading"][SURGE]["label"].lower(), config["shading"][SURGE]
    assert kapolres.locator(f"#drill tr[data-code='{SURGE}'] [data-klass]").get_attribute("data-klass") == "siaga"
    # "terisi" counts only the posts reported manned with the officers the pattern asks; understrength listed
    drill_posts = list(DrillPost.objects.filter(drill=drill))
    full = sum(1 for p in drill_posts if p.people >= p.required)
    short = [p for p in drill_posts if p.people < p.required]
    total = plan.posts.count()
    assert 0 < full < total and short
    assert kapolres.inner_text("[data-figure=manned]") == f"{full:,}/{total:,}".replace(",", ".")
    assert kapolres.inner_text("[data-figure=understrength]") == f"{len(short):,}".replace(",", ".")
    assert kapolres.locator("#posts-short tbody tr").count() == min(len(short), 50)
    assert kapolres.inner_text("[data-figure=missing]") == f"{total - full - len(short):,}".replace(",", ".")
    kapolres.screenshot(path=str(output_dir / "drill-dashboard-end.png"), full_page=False)
    # the day's hoax grew into one narrative (infowatch's own pipeline, on the drill's posts only)
    from praja.infowatch.models import Narrative

    hoax = Narrative._base_manager.get(drill=drill)
    assert hoax.title[:60] in kapolres.inner_text("body")

    # The same dashboard in the middle of the drill: one moment (11.00) for every card, chart and list.
    kapolres.goto(base + "/situasi/?wilayah=35.07&saat=2024-11-27T11:00")
    wait_js(kapolres, "document.getElementById('map-counts').dataset.state !== 'loading'", timeout=60_000)
    assert kapolres.locator("input[name=saat]").first.input_value() == "2024-11-27T11:00"
    by_eleven = Report.objects.filter(drill=drill, received_at__lte=drill.start_at().replace(hour=11, minute=0,
                                                                                              second=0)).count()
    assert 0 < by_eleven < Report.objects.filter(drill=drill).count()
    kapolres.screenshot(path=str(output_dir / "drill-dashboard.png"), full_page=False)
    kapolres.locator("#voting-day").screenshot(path=str(output_dir / "drill-voting-day-panel.png"))

    # The lapsit of the drill day lists its reports and manned posts, signed by the leadership.
    kapolres.goto(base + "/situasi/lapsit/draf/?wilayah=35.07&tanggal=2024-11-27")
    n_day = int(kapolres.inner_text("#n-day").replace(".", ""))
    assert n_day == Report.objects.filter(drill=drill).count()
    assert kapolres.inner_text("#posts-manned") == f"{full:,}/{total:,}".replace(",", ".")
    signature = kapolres.inner_text("#signature")
    assert "AKBP Hendra Wijaya" in signature and "Kapolres" in signature and "Budi Santoso" not in signature
    assert "Nihil" not in kapolres.inner_text("#day-kecamatan")
    assert "LATIHAN" in kapolres.inner_text("#drill-mark")  # a drill's lapsit says so on its face
    kapolres.screenshot(path=str(output_dir / "drill-lapsit.png"), full_page=False)

    # The referred money-politics case tops Sentra Gakkumdu's queue, with its deadline.
    gakkumdu = log_in(browser, base, "gakkumdu")
    view_the_drill(gakkumdu)
    gakkumdu.goto(base + "/")
    first = gakkumdu.locator("#work-queue li").first
    assert case.receipt in first.inner_text()
    assert re.search(r"\d+ (hari|jam|menit).* lagi|lewat", first.inner_text()), first.inner_text()  # its deadline

    # The same kecamatan shows the same index to the Polsek, Panwascam and the Camat.
    seen = {}
    for who in ("polsek.donomulyo", "panwascam.donomulyo", "camat.donomulyo"):
        p = log_in(browser, base, who)
        view_the_drill(p)
        p.goto(base + f"/situasi/?wilayah={SURGE}")
        seen[who] = (p.locator("#kondusif .sit-score").get_attribute("data-index"),
                     p.locator("#kondusif .sit-klass").get_attribute("data-klass"))
        p.context.close()
    assert len(set(seen.values())) == 1, seen
    assert next(iter(seen.values()))[1] == "siaga"

    # Back on the real data, the Kapolres's dashboard counts none of the drill.
    kapolres.goto(base + "/situasi/?wilayah=35.07")
    kapolres.click("#drill-banner button[name=lihat]")
    kapolres.wait_for_load_state("load")
    assert "Angka di halaman ini data nyata" in kapolres.inner_text("#drill-banner")
    assert kapolres.locator(f"#drill tr[data-code='{SURGE}'] [data-klass]").get_attribute("data-klass") != "siaga"
    assert errors == []
