"""The home page: figures of the person's scope, panels by role, honest about what is not built."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from praja.situation.tests.conftest import World, client_for, person

pytestmark = pytest.mark.django_db


def figure(html: str, name: str) -> str:
    m = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert m, f"figure {name} not on the page"
    return m.group(1)


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("situation:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_polres_ops_sees_figures_of_the_whole_regency(polres_ops: Client) -> None:
    html = polres_ops.get(reverse("situation:home")).content.decode()
    assert figure(html, "kecamatan") == "2"
    assert figure(html, "desa") == "4"
    assert figure(html, "tps") == "6"  # Kota Malang's TPS is outside the scope
    assert figure(html, "voters") == "1.859"  # 250 + 310 + 199 + 280 + 400 + 420
    assert figure(html, "generated") == "2"
    assert "data bangkitan" in html


def test_polres_ops_gets_a_table_per_kecamatan(polres_ops: Client) -> None:
    html = polres_ops.get(reverse("situation:home")).content.decode()
    table = html[html.index('id="kecamatan-table"'):html.index("</table>", html.index('id="kecamatan-table"'))]
    assert "Donomulyo" in table and "Kalipare" in table
    assert "Kedungkandang" not in table
    # Donomulyo: 2 desa, 4 TPS, 1,039 voters, 1 generated.
    row = re.search(r"Donomulyo.*?</tr>", table, re.S)
    assert row is not None
    assert re.findall(r'<td class="n">(?:<span[^>]*>)?([\d.]+)', row.group(0)) == ["2", "4", "1.039", "1"]


def test_polres_ops_gets_import_tps_list_and_map_links(polres_ops: Client) -> None:
    html = polres_ops.get(reverse("situation:home")).content.decode()
    assert f'href="{reverse("territory:import_tps")}"' in html
    assert f'href="{reverse("territory:tps_list")}"' in html
    assert f'href="{reverse("situation:map")}"' in html
    assert "Kelengkapan data TPS" in html
    assert "TPS belum berkoordinat" in html  # one TPS has no coordinates


def test_modules_not_built_yet_are_listed_as_coming_not_linked(polres_ops: Client) -> None:
    from django.urls import NoReverseMatch

    html = polres_ops.get(reverse("situation:home")).content.decode()
    modules = html[html.index('id="p-modules"'):html.index("</section>", html.index('id="p-modules"'))]
    expected = {
        "Pemetaan kerawanan TPS": "risk:index",
        "Rencana pengamanan TPS": "deployment:index",
        "Laporan kejadian": "reports:index",
        "Pantauan hoaks": "infowatch:index",
        "Rakor": "coordination:index",
        "Gambaran situasi": "situation:dashboard",
    }
    built = 0
    for name, route in expected.items():
        assert name in modules
        try:
            url = reverse(route)
        except NoReverseMatch:
            continue
        built += 1
        assert f'href="{url}"' in modules, f"{name} is built: it must be a link"
    assert modules.count("segera") == len(expected) - built
    assert modules.count("<a ") == built


def test_polsek_officer_sees_the_desa_of_its_kecamatan_only(polsek: Client) -> None:
    html = polsek.get(reverse("situation:home")).content.decode()
    assert figure(html, "tps") == "4"
    assert 'id="desa-table"' in html and 'id="kecamatan-table"' not in html
    table = html[html.index('id="desa-table"'):html.index("</table>", html.index('id="desa-table"'))]
    assert "Tulungrejo" in table and "Sumberoto" in table
    assert "Arjosari" not in html and "Kalipare" not in html
    assert "Wilayah tugas Anda" in html
    # A Polsek officer may not import TPS.
    assert reverse("territory:import_tps") not in html


def test_person_without_a_role_is_told_so(world: World) -> None:
    c = client_for(person("baru", world.agencies["polres-malang"], []))
    html = c.get(reverse("situation:home")).content.decode()
    assert "belum memiliki peran" in html
    assert 'data-figure="tps"' not in html


def test_navigation_follows_capabilities(polres_ops: Client, polsek: Client) -> None:
    ops = polres_ops.get(reverse("situation:home")).content.decode()
    nav = ops[ops.index('class="mainnav"'):ops.index("</nav>")]
    assert "Impor TPS" in nav and "Peta" in nav and "TPS" in nav
    station = polsek.get(reverse("situation:home")).content.decode()
    assert "Impor TPS" not in station[station.index('class="mainnav"'):station.index("</nav>")]


def test_top_bar_shows_the_person_their_agency_and_a_logout_form(polres_ops: Client) -> None:
    html = polres_ops.get(reverse("situation:home")).content.decode()
    assert "Iptu Budi" in html and "Polres Malang" in html
    assert re.search(rf'<form action="{reverse("accounts:logout")}" method="post">', html)


def test_switching_to_english_shows_english_home(polres_ops: Client, compiled_messages: Any) -> None:
    response = polres_ops.post(reverse("set_language"), {"language": "en", "next": reverse("situation:home")})
    assert response.status_code == 302
    html = polres_ops.get(reverse("situation:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Welcome, Iptu Budi" in html
    assert "Polling stations with generated data" in html
    assert "Voters (DPT)" in html
    assert "Incident reports" in html  # the modules list, in English (every module is built: none "coming")
    assert "Selamat datang" not in html and "segera" not in html
    polres_ops.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Selamat datang, Iptu Budi" in polres_ops.get(reverse("situation:home")).content.decode()
