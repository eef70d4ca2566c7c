"""The page shell in English in a real browser: Bag Ops switches to English and opens the home page, the
situation dashboard, the reports board and the drill page. Every main-menu entry is in view on a desktop
screen (the English labels are longer than the Indonesian ones), and the shell (menu, headings, buttons,
labels, table heads) has no Indonesian interface word left. Screenshots: test-output/browser/english-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from praja.situation.tests.conftest import compiled_messages  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-uji-2024"
PAGES = {"home": "/", "situation": "/situasi/", "reports": "/laporan/", "drill": "/latihan/"}
# Words of the Indonesian interface that never occur in its English one.
INDONESIAN = {"dan", "yang", "di", "untuk", "belum", "tidak", "dari", "dengan", "laporan", "simpan", "hapus",
              "tampilkan", "lihat", "buka", "wilayah", "satuan", "kembali", "semua", "baru", "beranda", "peta",
              "situasi", "kerawanan", "pengamanan", "koordinasi", "keluar", "latihan", "mulai", "hentikan",
              "jumlah", "kecepatan", "pekerjaan", "antrian", "saringan", "terapkan", "pilih", "kategori"}
SHELL = "nav.mainnav a, h1, h2, h3, button, label, th, .drill-banner, .contextbar"


def test_the_main_pages_read_in_english(live_server: Any, browser: Any, output_dir: Path,
                                        compiled_messages: Any) -> None:  # noqa: F811
    from praja.situation.tests.conftest import build_world, person

    world = build_world()
    ops = person("bagops", world.agencies["polres-malang"], [("polres_ops", "35.07")], "AKP Hendra")
    ops.user.set_password(PASSWORD)
    ops.user.save()
    base = live_server.url
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", "bagops")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    left_in_indonesian = {}
    for name, path in PAGES.items():
        page.goto(base + path)
        page.wait_for_load_state()
        page.screenshot(path=str(output_dir / f"english-{name}.png"), full_page=True)
        shell = " ".join(page.locator(SHELL).all_inner_texts())
        words = set(re.findall(r"[a-z]+", shell.lower())) & INDONESIAN
        if words:
            left_in_indonesian[path] = sorted(words)
        if name == "home":
            menu = page.locator("nav.mainnav a")
            assert menu.count() >= 10
            out_of_view = [menu.nth(i).inner_text() for i in range(menu.count()) if not _in_view(menu.nth(i))]
            assert out_of_view == [], "main-menu entries outside the screen"
    assert left_in_indonesian == {}
    assert errors == []
    ctx.close()


def _in_view(link: Any) -> bool:
    box = link.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["width"] > 0
