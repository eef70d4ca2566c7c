"""The deployment pages: a Polres operations officer plans, reads, edits and re-checks; a Polsek officer
sees only his kecamatan; people without the capability get 403, plans and posts outside scope 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from praja import jobs
from praja.accounts.models import Agency
from praja.accounts.tests.fixtures import World, client_for, main_of, make_person
from praja.base.models import AuditEntry
from praja.deployment import pattern_settings, plan_edits, plan_jobs, regency_pools
from praja.deployment.models import Pattern, Plan, PlanTPS, Pool, Post

from .conftest import DESA, OTHER_DESA

pytestmark = pytest.mark.django_db


def new_plan(client: Client, region: str = "35.07", **extra: Any) -> Any:
    page = client.get("/pengamanan/rencana/baru/", {"wilayah": region})
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, Any] = {"wilayah": region, "name": "", "pattern": form.initial["pattern"], "walking_km": 1.5,
                            "area": "desa", "reserve_percent": 14}
    for p in form.pools:
        data[f"pool_{p.pk}"] = p.available
        data[f"active_{p.pk}"] = "on"
    data.update(extra)
    return client.post("/pengamanan/rencana/baru/", data)


def test_ops_officer_plans_the_regency_and_sees_it_proved_optimal(ops_client: Client) -> None:
    response = new_plan(ops_client, name="pola dasar")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == f"/pengamanan/rencana/{plan.pk}/"
    assert plan.status == Plan.Status.DONE and plan.name == "pola dasar"
    html = main_of(ops_client.get(response["Location"]))
    assert "Terbukti optimal" in html
    assert '<span class="card-num">16</span><span class="card-label">TPS' in html
    assert "Polsek Donomulyo" in html and "Polsek Kalipare" in html
    assert "angka contoh" in html  # suggested pool numbers are marked as examples
    assert "Data bangkitan: 2 TPS" in html  # the world's generated TPS
    assert "1 TPS tanpa koordinat ditempatkan di titik tengah desanya" in html
    # the plan's creation and its status changes are in the audit log, the posts as one summary
    entries = AuditEntry.objects.filter(target_type="deployment.plan", target_id=str(plan.pk))
    assert {e.action for e in entries} >= {"create", "update"}
    assert AuditEntry.objects.filter(action="plan", target_type="deployment.post", target_id=str(plan.pk)).exists()


def test_people_numbers_changed_on_the_form_are_kept_and_a_short_pool_leaves_tps_uncovered(
    ops_client: Client, dep_world: World
) -> None:
    regency_pools.ensure_pools("35.07")
    donomulyo = Pool.objects.get(unit="Polsek Donomulyo")
    reserve = Pool.objects.get(role="polres")
    bko = Pool.objects.get(role="bko")
    # Donomulyo's 3 posts need 6 police; 5 people keep 1 in reserve (14%) and deploy 4; no reserve, no BKO
    response = new_plan(ops_client, **{f"pool_{donomulyo.pk}": 5, f"active_{reserve.pk}": "", f"active_{bko.pk}": ""})
    assert response.status_code == 302
    donomulyo.refresh_from_db()
    assert donomulyo.available == 5 and not donomulyo.generated
    plan = Plan.objects.get()
    assert plan.uncovered > 0 and plan.bko_needed > 0
    assert "35.07.01" in plan.shortfall
    html = main_of(ops_client.get(f"/pengamanan/rencana/{plan.pk}/"))
    assert "Kekurangan personel per kecamatan" in html
    assert "BELUM ADA" in html  # a post without a pool


def test_replan_from_a_plan_starts_from_its_pattern_and_numbers(ops_client: Client, done_plan: Plan) -> None:
    sleman = pattern_settings.patterns_for("35.07").get(preset_key="sleman_2024")
    page = ops_client.get("/pengamanan/rencana/baru/", {"dari": done_plan.pk})
    assert page.context["form"].initial["name"] == "ulang dari v1"
    response = new_plan(ops_client, pattern=sleman.pk, dari=done_plan.pk, name="Sleman")
    assert response.status_code == 302
    child = Plan.objects.get(name="Sleman")
    assert child.parent_id == done_plan.pk and child.number == 2
    assert child.pattern_snapshot["name"] == "Polresta Sleman 2024"
    assert child.linmas > 0  # Sleman's pattern brings Linmas


def test_a_polsek_officer_sees_only_his_kecamatan_and_404_outside(polsek_client: Client, done_plan: Plan) -> None:
    assert polsek_client.get("/pengamanan/").status_code == 200
    html = main_of(polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/"))
    assert "Donomulyo" in html and "Kalipare" not in html
    assert "Anda melihat bagian rencana di wilayah Anda saja" in html
    assert "Data bangkitan: 1 TPS" in html  # his generated TPS, not the regency's
    assert "Periksa ulang" not in html  # no planning capability
    home = Post.objects.get(plan=done_plan, kecamatan_code="35.07.01", number=1)
    other = Post.objects.get(plan=done_plan, kecamatan_code="35.07.02")
    assert polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/pos/{home.number}/").status_code == 200
    assert polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/pos/{other.number}/").status_code == 404
    assert polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/", {"kecamatan": "35.07.02"}).status_code == 404
    data = polsek_client.get(f"/pengamanan/rencana/{done_plan.pk}/peta.json").json()
    assert {t[0][:8] for t in data["tps"]} == {"35.07.01"}
    # he may neither plan nor edit
    assert polsek_client.get("/pengamanan/rencana/baru/").status_code == 403
    r = polsek_client.post(f"/pengamanan/rencana/{done_plan.pk}/pos/{home.number}/", {"police": 9, "tni": 0,
                                                                                        "linmas": 0})
    assert r.status_code == 403
    assert polsek_client.post(f"/pengamanan/rencana/{done_plan.pk}/periksa/").status_code == 403


def test_a_plan_of_another_regency_is_404(ops_client: Client, dep_world: World) -> None:
    from praja.base import audit

    from .conftest import SYSTEM

    with audit.acting_as(SYSTEM):
        p = plan_jobs.create_plan("35.08", pattern_settings.default_pattern("35.08"),
                                  pattern_settings.settings_for("35.08").to_core(),
                                  regency_pools.snapshot_pools("35.08"))
        plan_jobs.run_plan(p.pk)
    assert ops_client.get(f"/pengamanan/rencana/{p.pk}/").status_code == 404
    assert ops_client.get(f"/pengamanan/rencana/{p.pk}/unduh/xlsx/").status_code == 404
    assert ops_client.get(f"/pengamanan/rencana/{p.pk}/peta.json").status_code == 404
    assert f"/pengamanan/rencana/{p.pk}/" not in main_of(ops_client.get("/pengamanan/"))


def test_people_without_deployment_view_get_403(dep_world: World) -> None:
    media = Agency.objects.create(slug="media", kind="media", name="Media", region_id="35.07")
    person = make_person("wartawan", media, [("media", "35.07")])
    client = client_for(person.user, second_factor=False)
    assert client.get("/pengamanan/").status_code == 403
    assert client.get("/api/v1/deployment/plans").status_code == 403
    assert "Pengamanan" not in client.get("/").content.decode()


def test_the_progress_line_polls_while_running_and_refreshes_when_done(ops_client: Client, dep_world: World) -> None:
    plan = plan_jobs.create_plan("35.07", pattern_settings.default_pattern("35.07"),
                                 pattern_settings.settings_for("35.07").to_core(),
                                 regency_pools.snapshot_pools("35.07"))
    jobs.set_progress(plan_jobs.progress_key(plan), 12, 33, "kecamatan")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.RUNNING)
    html = ops_client.get(f"/pengamanan/rencana/{plan.pk}/").content.decode()
    assert "Merencanakan… 12/33 kecamatan" in html
    assert f'hx-get="/pengamanan/rencana/{plan.pk}/kemajuan/"' in html
    part = ops_client.get(f"/pengamanan/rencana/{plan.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    assert "12/33 kecamatan" in part.content.decode()
    plan_jobs.run_plan(plan.pk)
    done = ops_client.get(f"/pengamanan/rencana/{plan.pk}/kemajuan/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_moving_a_tps_into_a_full_post_is_found_by_the_recheck(ops_client: Client, done_plan: Plan) -> None:
    full = Post.objects.get(plan=done_plan, number=1)  # 10 aman TPS: the cap
    other = Post.objects.get(plan=done_plan, number=2)
    row = PlanTPS.objects.filter(post=other).order_by("code").first()
    assert full.tps_count == 10 and row is not None
    r = ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/pos/{other.number}/",
                        {"pindah": "1", "tps": row.code, "ke": full.number})
    assert r.status_code == 302
    full.refresh_from_db()
    assert full.tps_count == 11 and full.edited_by_hand
    done_plan.refresh_from_db()
    assert done_plan.hand_edited and done_plan.violations is None
    r = ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/periksa/")
    assert r.status_code == 302
    done_plan.refresh_from_db()
    assert done_plan.violations is not None
    assert any("11 TPS, more than the cap 10" in v for v in done_plan.violations)
    html = main_of(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/"))
    assert 'id="violations"' in html and "Pos 1 (35.07.01.2001/P01)" in html
    assert AuditEntry.objects.filter(target_type="deployment.plantps", action="update").exists()


def test_fewer_police_than_the_pattern_is_a_violation_and_restoring_it_clears_it(
    ops_client: Client, done_plan: Plan
) -> None:
    url = f"/pengamanan/rencana/{done_plan.pk}/pos/1/"
    assert ops_client.post(url, {"police": 1, "tni": 0, "linmas": 0}).status_code == 302
    assert plan_edits.recheck(done_plan) == ["Pos 1 (35.07.01.2001/P01): 1 police, the pattern needs 2",
                                             "plan: 7 officers, below the proven lower bound 8"]
    html = main_of(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/"))
    assert "Pos 1 (35.07.01.2001/P01): 1 Polri, pola mensyaratkan 2" in html
    assert "rencana: 7 Polri, di bawah batas bawah yang terbukti (8)" in html
    done_plan.refresh_from_db()
    assert done_plan.officers == 7  # totals follow the hand edit
    ops_client.post(url, {"police": 2, "tni": 0, "linmas": 0})
    ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/periksa/")
    done_plan.refresh_from_db()
    assert done_plan.violations == []
    assert "Tidak ada pelanggaran" in main_of(ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/"))


def test_moving_the_last_tps_out_of_a_post_removes_the_post(ops_client: Client, done_plan: Plan) -> None:
    lonely = Post.objects.get(plan=done_plan, area_code="35.07.01.2002")  # Sumberoto: one TPS
    row = PlanTPS.objects.get(post=lonely)
    r = ops_client.post(f"/pengamanan/rencana/{done_plan.pk}/pos/{lonely.number}/",
                        {"pindah": "1", "tps": row.code, "ke": 2})
    assert r["Location"] == f"/pengamanan/rencana/{done_plan.pk}/pos/2/"
    assert not Post.objects.filter(pk=lonely.pk).exists()
    problems = plan_edits.recheck(done_plan)
    assert any("crosses desa" in p for p in problems)  # Sumberoto's TPS in a Tulungrejo post


def test_two_plans_compare_per_kecamatan(ops_client: Client, done_plan: Plan) -> None:
    mabes = pattern_settings.patterns_for("35.07").get(preset_key="mabes_2019")  # 2 police per 4 aman TPS
    new_plan(ops_client, pattern=mabes.pk, name="Mabes")
    b = Plan.objects.get(name="Mabes")
    page = ops_client.get("/pengamanan/bandingkan/", {"a": done_plan.pk, "b": b.pk})
    assert page.status_code == 200
    rows = {r["code"]: r for r in page.context["rows"]}
    a_off, b_off, diff = rows["35.07.01"]["cells"][0]
    assert (a_off, b_off) == (6, 10) and diff == 4  # Tulungrejo 13 TPS: 2 posts vs 4; Sumberoto 1 vs 1
    assert "Bandingkan rencana per kecamatan" in page.content.decode()


def test_the_map_page_and_its_data(ops_client: Client, done_plan: Plan) -> None:
    page = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/peta/")
    assert page.status_code == 200 and "deployment-map.js" in page.content.decode()
    data = ops_client.get(f"/pengamanan/rencana/{done_plan.pk}/peta.json").json()
    assert len(data["posts"]) == done_plan.posts_count
    assert len(data["tps"]) == 16 and all(t[4] is not None and t[5] for t in data["tps"])


def test_a_district_pattern_is_made_from_a_preset_and_used(ops_client: Client, dep_world: World) -> None:
    pattern_settings.ensure_presets()
    base = Pattern.objects.get(preset_key="polres_malang_2024")
    page = ops_client.get("/pengamanan/pola/baru/", {"salin": base.pk})
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items()}
    data.update({"name": "Malang 2029", "aman__max_tps": 5, "wilayah": "35.07"})
    assert ops_client.post("/pengamanan/pola/baru/", data).status_code == 302
    own = Pattern.objects.get(name="Malang 2029")
    assert own.region_id == "35.07" and own.classes["aman"]["max_tps"] == 5
    bad = dict(data, name="nol", aman__police=0)
    assert ops_client.post("/pengamanan/pola/baru/", bad).status_code == 200  # rejected, shown again
    assert not Pattern.objects.filter(name="nol").exists()
    assert "Malang 2029" in main_of(ops_client.get("/pengamanan/pola/"))


def test_a_sangat_rawan_tps_lowers_the_cap_of_its_post(ops_client: Client, dep_world: World) -> None:
    from .conftest import set_class

    set_class(f"{DESA}/001", "sangat_rawan")
    set_class(f"{OTHER_DESA}/001", "rawan")
    new_plan(ops_client)
    plan = Plan.objects.get()
    assert plan.classes_from_risk
    row = PlanTPS.objects.get(plan=plan, code=f"{DESA}/001")
    assert row.cls == "sangat_rawan" and row.post is not None
    assert row.post.cls == "sangat_rawan" and row.post.tps_count <= 2


def test_a_polsek_officer_reports_his_post_manned_on_the_day(
    polsek_client: Client, done_plan: Plan, dep_world: World
) -> None:
    home = Post.objects.filter(plan=done_plan, kecamatan_code="35.07.01").first()
    other = Post.objects.filter(plan=done_plan).exclude(kecamatan_code="35.07.01").first()
    assert home is not None and other is not None
    url = f"/pengamanan/rencana/{done_plan.pk}/pos/{home.number}/"
    assert polsek_client.post(url, {"action": "terisi", "hadir": "0"}).status_code == 302
    home.refresh_from_db()
    assert home.manned_at is None  # 0 people is not a manned post
    assert polsek_client.post(url, {"action": "terisi", "hadir": "3"}).status_code == 302
    home.refresh_from_db()
    assert home.manned_people == 3 and home.manned_by == dep_world.people["officer"].user
    assert home.manned_at is not None
    page = main_of(polsek_client.get(url))
    assert "3 personel hadir" in page
    assert AuditEntry.objects.filter(target_id=str(home.pk), target_type="deployment.post", action="update",
                                     actor=dep_world.people["officer"].user).exists()
    # Not a post of his kecamatan: not found, nothing changed.
    other_url = f"/pengamanan/rencana/{done_plan.pk}/pos/{other.number}/"
    assert polsek_client.post(other_url, {"action": "terisi", "hadir": "3"}).status_code == 404
    other.refresh_from_db()
    assert other.manned_at is None
    assert polsek_client.post(url, {"action": "batal-terisi"}).status_code == 302
    home.refresh_from_db()
    assert home.manned_at is None and home.manned_people is None
