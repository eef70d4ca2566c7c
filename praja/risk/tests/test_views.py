"""The vulnerability pages and API: who sees what, explained scores, roll-ups, import, settings and map."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import World, client_for, main_of
from praja.base import audit
from praja.base.models import AuditEntry
from praja.risk import services
from praja.risk.models import Indicator, IndicatorValue, RiskConfig, TPSScore
from praja.risk.tests.conftest import SYSTEM, T1, T2, T3, T4, T_OTHER_REGENCY, add_value, csv_bytes, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(risk_world: World) -> World:
    """T1 sangat rawan (violence + intimidation), T2 rawan (conflict area), T3 khusus (prison), T4 aman."""
    add_value(T1, "riwayat_kekerasan", note="2019: perkelahian saat penghitungan", agency="Polsek Donomulyo")
    add_value(T1, "intimidasi", note="ancaman kepada KPPS")
    add_value(T2, "wilayah_konflik")
    add_value(T3, "lokasi_khusus", note="Lapas Kelas IIA")
    add_value(T4, "kendala_internet", 0)
    with audit.acting_as(SYSTEM):
        services.recompute("35.07")
        services.recompute("35.08")
    return risk_world


def rows_of(html: str, table_class: str) -> list[str]:
    table = html.split(f'class="data {table_class}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-(?:code|key)="([^"]+)"', table)


# --- overview and roll-ups ----------------------------------------------------------------------------------


def test_routes_are_under_kerawanan() -> None:
    assert reverse("risk:index") == "/kerawanan/"
    assert reverse("risk:tps_detail", args=["35.07.01.2001", 1]) == "/kerawanan/tps/35.07.01.2001/1/"
    assert reverse("api:risk_map") == "/api/v1/risk/map"


def test_an_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/kerawanan/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_a_user_without_a_role_gets_403(risk_world: World) -> None:
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.create_user("norole"), second_factor=False)
    for url in (
        "/kerawanan/",
        "/kerawanan/tps/",
        "/kerawanan/peta/",
        f"/kerawanan/tps/{T1.replace('/', '/')}/",
    ):
        assert client.get(url).status_code in (403, 404)
    assert client.get("/kerawanan/").status_code == 403
    assert client.get("/api/v1/risk/map").status_code == 403


def test_the_overview_counts_classes_and_rolls_up_per_kecamatan_by_share_of_rawan(
    scored: World, ops: Client
) -> None:
    html = main_of(ops.get("/kerawanan/"))
    assert rows_of(html, "risk-rollup") == ["35.07.01", "35.07.02"]
    assert re.search(r'data-klass="sangat_rawan"><span class="n">1</span>', html)
    assert re.search(r'data-klass="khusus"><span class="n">1</span>', html)
    assert "/kerawanan/impor/" in html and "/kerawanan/pengaturan/?kabupaten=35.07" in html
    by_name = main_of(ops.get("/kerawanan/?urut=name"))
    assert rows_of(by_name, "risk-rollup") == ["35.07.01", "35.07.02"]
    assert 'href="?urut=name" aria-current="true"' in by_name


def test_a_polsek_officer_sees_the_desa_of_his_kecamatan_only(scored: World, officer: Client) -> None:
    response = officer.get("/kerawanan/")
    assert response.status_code == 302 and response["Location"] == "/kerawanan/wilayah/35.07.01/"
    html = main_of(officer.get(response["Location"]))
    assert rows_of(html, "risk-rollup") == ["35.07.01.2001", "35.07.01.2002"]
    assert "/kerawanan/impor/" not in html  # no risk.edit
    assert officer.get("/kerawanan/wilayah/35.07.02/").status_code == 404
    assert officer.get("/kerawanan/wilayah/35.07/").status_code == 404
    assert officer.get("/kerawanan/wilayah/35.99.99/").status_code == 404


def test_the_desa_page_lists_its_tps_with_their_drivers(scored: World, officer: Client) -> None:
    html = main_of(officer.get("/kerawanan/wilayah/35.07.01.2001/"))
    assert rows_of(html, "risk-tps") == [T1, T2]
    assert "Riwayat kekerasan di TPS" in html and "Sangat rawan" in html


def test_the_tps_list_filters_by_class_and_stays_in_scope(
    scored: World, officer: Client, ops: Client
) -> None:
    html = main_of(officer.get("/kerawanan/tps/"))
    assert rows_of(html, "risk-tps-list") == [T1, T2, T3]  # highest score first; no T4 (other kecamatan)
    assert rows_of(main_of(officer.get("/kerawanan/tps/?kelas=rawan_plus")), "risk-tps-list") == [T1, T2]
    assert rows_of(main_of(officer.get("/kerawanan/tps/?kelas=khusus")), "risk-tps-list") == [T3]
    assert rows_of(main_of(ops.get("/kerawanan/tps/?wilayah=35.07.02")), "risk-tps-list") == [T4]
    assert rows_of(main_of(ops.get("/kerawanan/tps/?q=Sumberoto")), "risk-tps-list") == [T3]


def test_the_tps_page_explains_the_score_with_evidence_and_missing_indicators(
    scored: World, officer: Client
) -> None:
    response = officer.get("/kerawanan/tps/35.07.01.2001/1/")
    assert response.status_code == 200
    html = main_of(response)
    s = TPSScore.objects.get(tps_id=T1)
    assert f'data-score="{s.score}"' in html and "klass-sangat_rawan" in html
    contributions = rows_of(html, "risk-contributions")
    assert contributions[:2] == ["riwayat_kekerasan", "intimidasi"]
    assert (
        "2019: perkelahian saat penghitungan" in html and "Polsek Donomulyo" in html and "2024-11-15" in html
    )
    missing = html.split('class="risk-missing"', 1)[1].split("</ul>", 1)[0]
    assert 'data-key="politik_uang"' in missing and 'data-key="riwayat_kekerasan"' not in missing
    assert "Pemberian uang atau barang di sekitar TPS" in missing


def test_a_khusus_tps_says_why(scored: World, officer: Client) -> None:
    html = main_of(officer.get("/kerawanan/tps/35.07.01.2002/1/"))
    assert "klass-khusus" in html and "Lokasi khusus" in html and "Lapas Kelas IIA" in html


def test_a_tps_outside_the_scope_answers_404(scored: World, officer: Client) -> None:
    assert officer.get("/kerawanan/tps/35.07.02.2001/1/").status_code == 404
    assert officer.get("/kerawanan/tps/35.08.01.2001/1/").status_code == 404
    assert officer.get("/kerawanan/tps/35.07.01.2001/99/").status_code == 404


def test_a_tps_not_yet_scored_is_explained_from_its_values_without_writing(
    risk_world: World, ops: Client
) -> None:
    add_value(T4, "wilayah_konflik")
    before = snapshot()
    html = main_of(ops.get("/kerawanan/tps/35.07.02.2001/1/"))
    assert "belum disimpan" in html and "klass-rawan" in html
    assert snapshot() == before


# --- import page ------------------------------------------------------------------------------------------


def upload(client: Client, data: bytes, name: str = "pemetaan.csv", **extra: str) -> Any:
    return client.post(
        "/kerawanan/impor/", {"berkas": SimpleUploadedFile(name, data), "sumber": "Bawaslu", **extra}
    )


def test_the_import_page_needs_risk_edit(risk_world: World, officer: Client) -> None:
    assert officer.get("/kerawanan/impor/").status_code == 403
    data = csv_bytes(["kode_tps", "riwayat_kekerasan"], [[T1, 1]])
    assert upload(officer, data).status_code == 403
    assert officer.get("/kerawanan/impor/templat.csv").status_code == 403
    assert not IndicatorValue.objects.exists()


def test_a_clean_upload_loads_and_says_what_it_did(risk_world: World, bawaslu: Client) -> None:
    data = csv_bytes(
        ["kode_tps", "riwayat_kekerasan", "catatan"], [[T1, "ya", "laporan PTPS"], [T4, "tidak", ""]]
    )
    response = upload(bawaslu, data, tanggal="2024-11-14")
    assert response.status_code == 302
    page = bawaslu.get(response["Location"]).content.decode()
    assert "pemetaan.csv dimuat: 2 baris, 2 TPS, 2 nilai" in page
    v = IndicatorValue.objects.get(tps_id=T1)
    assert v.created_by == risk_world.people["bawaslu"].user and str(v.observed_on) == "2024-11-14"
    assert TPSScore.objects.get(tps_id=T1).klass == "rawan"
    entry = AuditEntry.objects.filter(action="import", target_type="risk.indicatorvalue").get()
    assert entry.actor_label == "bawaslu" and entry.channel == "web"


def test_a_bad_upload_shows_every_problem_and_writes_nothing(risk_world: World, ops: Client) -> None:
    before = snapshot()
    data = csv_bytes(
        ["kode_tps", "riwayat_kekerasan", "dptb", "nama_calon"],
        [[T1, 2, "", ""], ["35.07.01.2001/050", 1, "", ""], [T_OTHER_REGENCY, 1, "x", ""]],
    )
    response = upload(ops, data)
    assert response.status_code == 422
    html = response.content.decode()
    table = html.split('class="data import-problems"', 1)[1].split("</table>", 1)[0]
    cells = set(re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td>", table))
    assert cells == {
        ("seluruh berkas", "nama_calon"),
        ("2", "riwayat_kekerasan"),
        ("3", "kode_tps"),
        ("4", "kode_tps"),
        ("4", "dptb"),
    }
    assert snapshot() == before


def test_the_template_has_every_importable_indicator_and_a_tps_in_scope(
    risk_world: World, ops: Client
) -> None:
    response = ops.get("/kerawanan/impor/templat.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, example = rows
    assert header[:4] == ["kode_tps", "sumber", "tanggal", "catatan"]
    assert "riwayat_kekerasan" in header and "insiden_tps" not in header
    assert example[0] == T1
    result = upload(ops, response.content, name="templat.csv")
    assert result.status_code == 302  # the template as downloaded imports cleanly


# --- settings ---------------------------------------------------------------------------------------------


def settings_post(client: Client, **changes: Any) -> Any:
    form = {
        "kabupaten": "35.07",
        "action": "simpan",
        "threshold_kurang_rawan": 2.5,
        "threshold_rawan": 5.5,
        "threshold_sangat_rawan": 11,
        "combine": "max",
        "history_window_days": 30,
        "history_half_life_days": 14,
    }
    for ind in Indicator.objects.for_regency("35.07"):
        form[f"bobot__{ind.key}"] = ind.default_weight
        if ind.khusus:
            form[f"khusus__{ind.key}"] = "on"
        if ind.value_type == "count":
            form[f"batas__{ind.key}"] = ind.cap
    form.update(changes)
    return client.post("/kerawanan/pengaturan/", {k: v for k, v in form.items() if v is not None})


def test_settings_change_thresholds_and_weights_and_recompute(scored: World, ops: Client) -> None:
    html = main_of(ops.get("/kerawanan/pengaturan/"))
    assert 'name="bobot__riwayat_kekerasan"' in html and 'value="10.0"' in html
    response = settings_post(ops, threshold_sangat_rawan=20, bobot__wilayah_konflik=0)
    assert response.status_code == 302
    config = RiskConfig.objects.get(region_id="35.07")
    assert config.threshold_sangat_rawan == 20 and config.weights == {"wilayah_konflik": 0.0}
    assert config.khusus_keys is None  # unchanged: the catalogue's
    assert TPSScore.objects.get(tps_id=T1).klass == "rawan"  # 12.7 is below the new 20
    assert TPSScore.objects.get(tps_id=T2).klass == "aman"  # its only indicator switched off
    changed = AuditEntry.objects.filter(target_type="risk.riskconfig").latest("seq")
    assert changed.actor_label == "polres_ops"
    recompute = AuditEntry.objects.filter(action="recompute").latest("seq")
    assert f"{T1}: sangat_rawan -> rawan" in recompute.changes["changed"]


def test_settings_can_make_hard_to_reach_tps_khusus(scored: World, ops: Client) -> None:
    add_value(T4, "sulit_dijangkau")
    response = settings_post(ops, khusus__sulit_dijangkau="on")
    assert response.status_code == 302
    assert RiskConfig.objects.get().khusus_keys == ["sulit_dijangkau", "lokasi_khusus"] or set(
        RiskConfig.objects.get().khusus_keys
    ) == {"sulit_dijangkau", "lokasi_khusus"}
    assert TPSScore.objects.get(tps_id=T4).klass == "khusus"


def test_bad_settings_are_refused_and_nothing_changes(scored: World, ops: Client) -> None:
    before = snapshot()
    response = settings_post(ops, threshold_rawan=30)  # above sangat rawan
    assert response.status_code == 400 and "Ambang harus naik" in response.content.decode()
    assert settings_post(ops, bobot__dptb=-1).status_code == 400
    assert snapshot() == before


def test_settings_need_risk_edit_and_a_whole_regency(scored: World, officer: Client) -> None:
    assert officer.get("/kerawanan/pengaturan/").status_code == 403
    admin = client_for(scored.people["polsek_admin"].user)  # risk.edit, but only kecamatan 35.07.01
    assert admin.get("/kerawanan/pengaturan/").status_code == 404
    assert admin.get("/kerawanan/pengaturan/?kabupaten=35.07").status_code == 404


def test_a_national_admin_picks_the_regency(scored: World) -> None:
    root = client_for(scored.superuser)
    html = root.get("/kerawanan/pengaturan/").content.decode()
    assert "?kabupaten=35.07" in html and "?kabupaten=35.08" in html
    assert root.get("/kerawanan/pengaturan/?kabupaten=35.08").status_code == 200


def test_a_district_adds_its_own_indicator_without_a_code_change(scored: World, bawaslu: Client) -> None:
    response = bawaslu.post(
        "/kerawanan/pengaturan/",
        {
            "kabupaten": "35.07",
            "action": "tambah",
            "key": "konflik_pilkades",
            "label_id": "Konflik pilkades",
            "label_en": "Village head election conflict",
            "variable": "polri",
            "value_type": "boolean",
            "cap": 1,
            "default_weight": 8,
            "source_agency": "Polri",
            "basis": "Polres Malang",
        },
    )
    assert response.status_code == 302
    ind = Indicator.objects.get(key="konflik_pilkades")
    assert ind.region_id == "35.07" and ind.origin == "district"
    again = bawaslu.post(
        "/kerawanan/pengaturan/",
        {
            "kabupaten": "35.07",
            "action": "tambah",
            "key": "dptb",
            "label_id": "x",
            "variable": "x",
            "value_type": "count",
            "cap": 1,
            "default_weight": 1,
            "source_agency": "x",
        },
    )
    assert again.status_code == 400 and Indicator.objects.filter(key="dptb").count() == 1
    assert "konflik_pilkades" in bawaslu.get("/kerawanan/impor/").content.decode()


def test_recompute_from_the_settings_page(scored: World, ops: Client) -> None:
    add_value(T4, "wilayah_konflik")
    response = ops.post("/kerawanan/pengaturan/", {"kabupaten": "35.07", "action": "hitung"})
    assert response.status_code == 302 and TPSScore.objects.get(tps_id=T4).klass == "rawan"


# --- map and API --------------------------------------------------------------------------------------------


def test_the_map_page_points_at_the_boundaries_and_the_risk_data(scored: World, officer: Client) -> None:
    response = officer.get("/kerawanan/peta/")
    assert response.status_code == 200
    html = response.content.decode()
    config = json.loads(html.split('id="map-config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config["boundaries"] == "/api/v1/map/boundaries" and config["risk"] == "/api/v1/risk/map"
    assert [c["key"] for c in config["classes"]] == [
        "aman",
        "kurang_rawan",
        "rawan",
        "sangat_rawan",
        "khusus",
    ]
    assert "praja/risk-map.js" in html


def test_the_risk_map_data_colours_tps_and_shades_kecamatan_within_the_scope(
    scored: World, officer: Client, ops: Client
) -> None:
    data = officer.get("/api/v1/risk/map").json()
    assert data["fields"] == ["code", "lat", "lng", "klass", "score"]
    rows = {r[0]: r for r in data["rows"]}
    assert set(rows) == {T1, T2, T3} and rows[T1][3] == "sangat_rawan" and rows[T3][3] == "khusus"
    assert [(k["code"], k["rawan"], k["tps"]) for k in data["kecamatan"]] == [("35.07.01", 2, 3)]
    assert data["kecamatan"][0]["share"] == pytest.approx(2 / 3, abs=1e-4)
    whole = ops.get("/api/v1/risk/map").json()
    assert {k["code"]: k["share"] for k in whole["kecamatan"]} == {
        "35.07.01": pytest.approx(0.6667, abs=1e-4),
        "35.07.02": 0.0,
    }
    assert ops.get("/api/v1/risk/map?wilayah=35.07.02").json()["kecamatan"][0]["code"] == "35.07.02"
    assert officer.get("/api/v1/risk/map?wilayah=35.07.02").status_code == 404


def test_the_api_gives_an_explained_score_and_404_outside_the_scope(scored: World, officer: Client) -> None:
    data = officer.get("/api/v1/risk/tps/35.07.01.2001/1").json()
    assert data["tps"] == T1 and data["klass"] == "sangat_rawan" and data["kecamatan"] == "35.07.01"
    assert data["explanation"]["contributions"][0]["key"] == "riwayat_kekerasan"
    assert officer.get("/api/v1/risk/tps/35.07.02.2001/1").status_code == 404
    assert officer.get("/api/v1/risk/tps/35.07.01.2001/1000").status_code == 404
    listed = officer.get("/api/v1/risk/scores?klass=rawan").json()
    assert [s["tps"] for s in listed["items"]] == [T2]
    assert officer.get("/api/v1/risk/scores?klass=nope").status_code == 422
    rollup = officer.get("/api/v1/risk/rollup?level=4").json()
    assert [r["code"] for r in rollup] == ["35.07.01.2001", "35.07.01.2002"]


def test_the_menu_links_the_vulnerability_pages(scored: World, officer: Client) -> None:
    html = officer.get("/kerawanan/tps/").content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/kerawanan/"' in nav


def test_a_national_overview_rolls_up_per_regency(scored: World) -> None:
    root = client_for(scored.superuser)
    html = main_of(root.get("/kerawanan/"))
    assert rows_of(html, "risk-rollup") == ["35.07", "35.08"]
    region = main_of(root.get("/kerawanan/wilayah/35.07/"))
    assert rows_of(region, "risk-rollup") == ["35.07.01", "35.07.02"]


def test_the_admin_lists_risk_records_in_scope_and_keeps_the_catalogue_read_only(scored: World) -> None:
    root = client_for(scored.superuser)
    for model in ("indicator", "riskconfig", "indicatorvalue", "tpsscore", "incidentsignal"):
        assert root.get(f"/admin/risk/{model}/").status_code == 200, model
    national = Indicator.objects.get(key="dptb")
    page = root.get(f"/admin/risk/indicator/{national.pk}/change/").content.decode()
    assert 'name="default_weight"' not in page  # read-only: it mirrors praja.risk.catalogue
    score = TPSScore.objects.get(tps_id=T1)
    assert root.get(f"/admin/risk/tpsscore/{score.pk.replace('/', '_2F')}/change/").status_code == 200
