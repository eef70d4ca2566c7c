"""The situation map in a real browser: the Polres operations officer sees the whole demo district."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.waits import wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def wait_for_map(page: Any) -> Any:
    wait_js(page, "document.getElementById('map-counts').dataset.state !== 'loading'", timeout=60_000)
    counts = page.locator("#map-counts")
    assert counts.get_attribute("data-state") == "done", page.locator("#map-progress").inner_text()
    return counts


def horizontal_overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_polres_officer_sees_33_kecamatan_and_4042_tps_on_the_map(
    live_server: Any, demo_district: Any, page: Any, output_dir: Path
) -> None:
    from praja.demo.district import DEMO_PASSWORDS

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "ops.polres", DEMO_PASSWORDS["ops.polres"])
    assert page.locator("[data-figure=tps]").inner_text() == "4.042"
    page.screenshot(path=str(output_dir / "home.png"), full_page=True)

    page.goto(live_server.url + "/peta/")
    counts = wait_for_map(page)
    assert counts.get_attribute("data-kecamatan") == "33"
    assert counts.get_attribute("data-tps") == "4042"
    assert counts.inner_text() == "33 kecamatan · 4.042 TPS"
    assert page.locator(".map-legend").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    assert errors == []
    page.screenshot(path=str(output_dir / "map.png"))

    # Zoomed in, the clusters open into single TPS; a click on one opens its popup.
    from praja.territory.models import TPS

    tps = TPS.objects.select_related("desa", "desa__parent").order_by("code").first()
    assert tps is not None and tps.lat is not None and tps.lng is not None
    box = page.locator("#map").bounding_box()
    xy = page.evaluate(
        """([lat, lng]) => {
          const map = document.getElementById('map').prajaMap;
          map.setView([lat, lng], 17, {animate: false});
          const p = map.latLngToContainerPoint([lat, lng]);
          return [p.x, p.y];
        }""",
        [tps.lat, tps.lng],
    )
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    page.wait_for_timeout(400)  # the popup fades in
    text = popup.inner_text()
    assert f"TPS {tps.code}" in text
    kecamatan = tps.desa.parent
    assert kecamatan is not None
    assert tps.desa.name in text and kecamatan.name in text
    assert f"{tps.voters:,}".replace(",", ".") in text
    assert "Nilai bangkitan" in text  # the demo's TPS are generated
    page.screenshot(path=str(output_dir / "map-popup.png"))


def test_region_picker_loads_desa_with_htmx_and_narrows_the_home_page(
    live_server: Any, demo_district: Any, page: Any
) -> None:
    from praja.demo.district import DEMO_PASSWORDS
    from praja.territory.models import TPS

    log_in(page, live_server.url, "ops.polres", DEMO_PASSWORDS["ops.polres"])
    assert page.locator("#rp-desa").is_disabled()
    page.select_option("#rp-kecamatan", "35.07.01")
    # htmx swaps in the desa of the chosen kecamatan without reloading the page.
    wait_js(page, "document.querySelectorAll('#rp-desa option').length > 1")
    assert page.locator("#rp-desa").is_enabled()
    page.select_option("#rp-desa", "35.07.01.2001")
    page.click(".picker button[type=submit]:not([name])")
    page.wait_for_load_state()
    expected = TPS.objects.filter(desa_id="35.07.01.2001").count()
    assert page.locator("[data-figure=tps]").inner_text() == str(expected)
    assert "Tulungrejo" in page.locator(".figures-where").inner_text()


def test_home_and_map_fit_a_phone_screen(live_server: Any, demo_district: Any, browser: Any, output_dir: Path) -> None:
    from praja.demo.district import DEMO_PASSWORDS

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True,
                                  has_touch=True, locale="id-ID")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "polsek.donomulyo", DEMO_PASSWORDS["polsek.donomulyo"])
        assert page.locator("#desa-table").is_visible()
        assert horizontal_overflow(page) <= 0
        page.screenshot(path=str(output_dir / "home-phone.png"), full_page=True)
        page.goto(live_server.url + "/peta/")
        counts = wait_for_map(page)
        # A Polsek officer's map holds its own kecamatan only.
        assert counts.get_attribute("data-kecamatan") == "1"
        from praja.territory.models import TPS

        assert counts.get_attribute("data-tps") == str(TPS.objects.filter(code__startswith="35.07.01.").count())
        assert horizontal_overflow(page) <= 0
        page.screenshot(path=str(output_dir / "map-phone.png"))
    finally:
        context.close()
