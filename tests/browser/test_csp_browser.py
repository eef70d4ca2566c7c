"""Issue 14 (hardening): with the Content-Security-Policy enforced, the pages with Leaflet maps, htmx and the
public form work in Chromium and the browser reports no violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_map_browser import log_in, wait_for_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def test_maps_htmx_and_forms_work_under_the_policy_without_a_violation(
    live_server: Any, demo_district: Any, page: Any
) -> None:
    from praja.demo.district import DEMO_PASSWORDS

    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    response = page.goto(live_server.url + "/lapor/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert violations(page) == []

    log_in(page, live_server.url, "ops.polres", DEMO_PASSWORDS["ops.polres"])
    assert violations(page) == []
    page.goto(live_server.url + "/peta/")
    counts = wait_for_map(page)  # Leaflet and the marker clusters drew the district
    assert counts.get_attribute("data-tps") == "4042"
    assert violations(page) == []

    page.goto(live_server.url + "/situasi/?wilayah=35.07")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []

    # a select that sends its form when changed (was an inline onchange="", now praja/autosubmit.js)
    page.goto(live_server.url + "/wilayah/satuan/")
    select = page.locator("select[name=jenis]")
    if select.count():
        value = select.locator("option").nth(1).get_attribute("value")
        with page.expect_navigation():
            select.select_option(value)
        assert f"jenis={value}" in page.url
    assert violations(page) == [] and seen == [] and errors == []
