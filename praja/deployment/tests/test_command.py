"""`praja deployment plan`: from TPS.csv, POOLS.csv and PATTERN.toml to plan.json, plan.xlsx and
posts.geojson; bad files are reported row by row and nothing is written; --region plans the database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from praja.accounts.tests.fixtures import World
from praja.deployment.models import Plan

pytestmark = pytest.mark.django_db

PRAJA = str(Path(sys.executable).parent / "praja")
TULUNGREJO = "35.07.01.2001"  # centroid -8.359, 112.486 in praja/territory/data/kab_malang_35.07.csv
BANJAREJO = "35.07.01.2002"
ARJOSARI = "35.07.02.2001"

TPS_CSV = "code,desa_code,class,voters,lat,lng,address\n" + "".join(
    f"{TULUNGREJO}/{n:03d},{TULUNGREJO},aman,{200 + n},{-8.359 + 0.001 * (n % 3):.4f},{112.486 + 0.001 * (n % 2):.4f},"
    f"Dusun {n}\n" for n in range(1, 12)
) + (
    f"{TULUNGREJO}/012,{TULUNGREJO},sangat rawan,300,-8.3585,112.4862,Balai desa\n"
    f"{BANJAREJO}/001,{BANJAREJO},rawan,250,,,\n"  # no coordinates: the desa centroid
    f"{ARJOSARI}/001,{ARJOSARI},aman,400,-8.21,112.46,\n"
)
POOLS_CSV = (
    "unit,kind,lat,lng,available,kecamatan_codes\n"
    "Polsek Donomulyo,polri,-8.325,112.431,30,35.07.01\n"
    "Polsek Kalipare,polri,-8.2,112.45,10,35.07.02\n"
    "Polres Malang,polri,-8.126,112.641,50,35.07.01;35.07.02\n"
    "Koramil Donomulyo,tni,-8.326,112.432,12,35.07.01\n"
)
PATTERN_TOML = """
name = "uji"
preset = "polres_malang_2024"
[aman]
police = 2
max_tps = 8
linmas = 4
[sangat_rawan]
police = 4
max_tps = 1
tni = 2
[settings]
walking_km = 2.0
"""


def write(tmp: Path, **files: str) -> dict[str, Path]:
    out = {}
    for name, text in files.items():
        p = tmp / name
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


def test_good_files_give_plan_json_xlsx_and_geojson(tmp_path: Path, db: Any) -> None:
    f = write(tmp_path, **{"TPS.csv": TPS_CSV, "POOLS.csv": POOLS_CSV, "PATTERN.toml": PATTERN_TOML})
    out = tmp_path / "out"
    stdout = io.StringIO()
    call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                 "--pattern", str(f["PATTERN.toml"]), "--out", str(out), stdout=stdout)
    plan = json.loads((out / "plan.json").read_text())
    for key in ("tps", "posts", "officers", "officers_lower_bound", "soldiers", "linmas", "km_total", "km_max",
                "uncovered_by_class", "reserve", "seconds", "bound_name", "tps_at_centroid"):
        assert key in plan, key
    assert plan["tps"] == 14
    assert plan["tps_at_centroid"] == 1 and plan["tps_at_centroid_codes"] == [f"{BANJAREJO}/001"]
    assert plan["pattern"]["aman"] == {"police": 2, "max_tps": 8, "tni": 0, "linmas": 4}
    assert plan["settings"]["walking_km"] == 2.0
    # 11 aman TPS in Tulungrejo need 2 posts of 8; the sangat rawan TPS its own post of 4 police and 2 TNI
    sangat = [p for p in plan["posts"] if f"{TULUNGREJO}/012" in p["tps"]]
    assert len(sangat) == 1 and sangat[0]["tps"] == [f"{TULUNGREJO}/012"]
    assert sangat[0]["police"] == 4 and sangat[0]["tni"] == 2 and sangat[0]["tni_pool"] == "Koramil Donomulyo"
    assert plan["soldiers"] == 2
    assert plan["officers_lower_bound"] <= plan["officers"]
    assert sum(plan["uncovered_by_class"].values()) == 0
    assert sorted(c for p in plan["posts"] for c in p["tps"]) == sorted(
        line.split(",")[0] for line in TPS_CSV.splitlines()[1:]
    )
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert wb.sheetnames == ["Ringkasan", "Polsek Donomulyo", "Polsek Kalipare"]
    gj = json.loads((out / "posts.geojson").read_text())
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(plan["posts"])
    assert "14 TPS" in stdout.getvalue() and "1 TPS di titik tengah desa" in stdout.getvalue()


def test_bad_files_are_reported_row_by_row_and_nothing_is_written(tmp_path: Path, db: Any) -> None:
    bad_tps = TPS_CSV + (
        f"{TULUNGREJO}/001,{TULUNGREJO},aman,200,-8.36,112.49,\n"  # row 16: duplicate
        f"{TULUNGREJO}/099,{TULUNGREJO},genting,abc,-8.36,,\n"  # row 17: class, voters, lng
        f"35.07.01.9999/001,35.07.01.9999,aman,100,,,\n"  # row 18: no coordinates, no centroid
    )
    bad_pools = POOLS_CSV + "Brimob,polisi,-8.1,112.6,-5,35.07\n"  # row 6: kind, available, kecamatan code
    f = write(tmp_path, **{"TPS.csv": bad_tps, "POOLS.csv": bad_pools})
    out = tmp_path / "out"
    stderr = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                     "--out", str(out), stderr=stderr)
    assert exc.value.returncode == 1
    report = stderr.getvalue()
    assert f"TPS.csv baris 16, kolom code: TPS {TULUNGREJO}/001 ganda: sudah ada di baris 2" in report
    assert "TPS.csv baris 17, kolom class: kelas tidak dikenal" in report
    assert "TPS.csv baris 17, kolom voters: bukan bilangan bulat" in report
    assert "TPS.csv baris 17, kolom lng: kosong padahal lat diisi" in report
    assert "TPS.csv baris 18, kolom lat, lng: tanpa koordinat dan titik tengah desa 35.07.01.9999" in report
    assert "POOLS.csv baris 6, kolom kind: harus polri atau tni" in report
    assert "POOLS.csv baris 6, kolom available: di luar batas" in report
    assert "POOLS.csv baris 6, kolom kecamatan_codes: 35.07 bukan kode kecamatan" in report
    assert "nothing was planned or written" in str(exc.value)
    assert not out.exists()


def test_a_bad_pattern_file_names_the_key(tmp_path: Path, db: Any) -> None:
    f = write(tmp_path, **{"TPS.csv": TPS_CSV, "POOLS.csv": POOLS_CSV,
                           "P.toml": "[aman]\npolice = 0\nmax_tps = 'ten'\n[settings]\narea = 'pulau'\n"})
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                     "--pattern", str(f["P.toml"]), "--out", str(tmp_path / "o"), stderr=stderr)
    report = stderr.getvalue()
    assert "P.toml, aman.max_tps: harus bilangan bulat" in report
    assert "P.toml, kurang_rawan: tabel [kurang_rawan] wajib ada" in report
    assert not (tmp_path / "o").exists()


def test_region_mode_stores_a_plan_of_the_database(tmp_path: Path, dep_world: World) -> None:
    stdout = io.StringIO()
    call_command("deployment", "plan", "--region", "35.07", "--pattern", "mabes_2019", "--out", str(tmp_path / "o"),
                 stdout=stdout)
    plan = Plan.objects.get()
    assert plan.status == Plan.Status.DONE and plan.tps_count == 16
    assert plan.pattern_snapshot["name"] == "Mabes Polri 2019"
    body = json.loads((tmp_path / "o" / "plan.json").read_text())
    assert body["tps"] == 16 and body["officers"] == plan.officers and len(body["posts"]) == plan.posts_count
    assert "rencana / plan" in stdout.getvalue()
    from praja.base.models import AuditEntry

    created = AuditEntry.objects.get(target_type="deployment.plan", action="create")
    assert created.actor_label.startswith("system:deployment plan") and created.channel == "cli"


def test_the_praja_command_exits_non_zero_on_a_bad_file(tmp_path: Path) -> None:
    f = write(tmp_path, **{"TPS.csv": "code,desa_code\n1,2\n", "POOLS.csv": POOLS_CSV})
    env = {**os.environ, "PRAJA_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([PRAJA, "deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                          "--out", str(tmp_path / "o")], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "TPS.csv, kolom class: kolom wajib class tidak ada" in out.stderr
    assert not (tmp_path / "o").exists()


def test_files_of_two_regencies_are_planned_one_job_per_regency(tmp_path: Path, db: Any) -> None:
    lumajang = "35.08.01.2001"
    tps = TPS_CSV + "".join(f"{lumajang}/{n:03d},{lumajang},aman,300,-8.30,{113.02 + 0.001 * n:.3f},\n"
                            for n in range(1, 4))
    pools = POOLS_CSV + "Polsek Tempursari,polri,-8.29,113.03,20,35.08.01\n"
    f = write(tmp_path, **{"TPS.csv": tps, "POOLS.csv": pools})
    call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                 "--out", str(tmp_path / "o"), "--no-pdf", stdout=io.StringIO())
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    assert plan["jobs"] == 2 and plan["regencies"] == 2 and plan["tps"] == 17
    assert {p["kecamatan_code"][:5] for p in plan["posts"]} == {"35.07", "35.08"}
    # a pool serving every kecamatan ties the regencies together: one job
    g = write(tmp_path, **{"POOLS2.csv": pools + "BKO Brimob,polri,-8.1,112.9,100,,1,1\n"})
    call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(g["POOLS2.csv"]),
                 "--out", str(tmp_path / "o2"), "--no-pdf", stdout=io.StringIO())
    assert json.loads((tmp_path / "o2" / "plan.json").read_text())["jobs"] == 1


# --- the whole country through one command (issue 18) ---------------------------------------------------------

LUMAJANG = "35.08.01.2001"
TWO_REGENCIES_TPS = TPS_CSV + "".join(
    f"{LUMAJANG}/{n:03d},{LUMAJANG},aman,300,-8.30,{113.02 + 0.001 * n:.3f},\n" for n in range(1, 4)
)


def _plan(tmp_path: Path, tps: str, pools: str, *extra: str, out: str = "o") -> Path:
    f = write(tmp_path, **{"TPS.csv": tps, "POOLS.csv": pools})
    call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                 "--out", str(tmp_path / out), *extra, stdout=io.StringIO(), stderr=io.StringIO())
    return tmp_path / out


def _refused(tmp_path: Path, tps: str, pools: str, *extra: str) -> str:
    f = write(tmp_path, **{"TPS.csv": tps, "POOLS.csv": pools})
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("deployment", "plan", "--tps", str(f["TPS.csv"]), "--pools", str(f["POOLS.csv"]),
                     "--out", str(tmp_path / "refused"), *extra, stdout=io.StringIO(), stderr=stderr)
    assert not (tmp_path / "refused").exists()
    return stderr.getvalue()


def test_two_regencies_with_a_polsek_of_the_same_name_are_told_apart_by_their_code(tmp_path: Path, db: Any) -> None:
    pools = ("code,unit,kind,lat,lng,available,kecamatan_codes\n"
             "35.07.01,Polsek Donomulyo,polri,-8.325,112.431,30,35.07.01\n"
             "35.07.02,Polsek Kalipare,polri,-8.2,112.45,10,35.07.02\n"
             "35.08.01,Polsek Donomulyo,polri,-8.29,113.03,20,35.08.01\n")
    out = _plan(tmp_path, TWO_REGENCIES_TPS, pools, "--no-pdf")
    plan = json.loads((out / "plan.json").read_text())
    assert {p["pool"] for p in plan["posts"]} == {"35.07.01", "35.07.02", "35.08.01"}
    wb = openpyxl.load_workbook(out / "35.08" / "plan.xlsx")
    assert "Polsek Donomulyo" in wb.sheetnames
    origin = [c.value for row in wb["Polsek Donomulyo"].iter_rows() for c in row if c.value]
    assert "Polsek Donomulyo (35.08.01)" in origin
    # without a code column the same name twice is refused, with the way out
    report = _refused(tmp_path, TWO_REGENCIES_TPS, "unit,kind,lat,lng,available,kecamatan_codes\n" + "".join(
        line.split(",", 1)[1] + "\n" for line in pools.splitlines()[1:]))
    assert "POOLS.csv baris 4, kolom unit: satuan ganda: sudah ada di baris 2" in report
    assert "add a code column" in report


def test_outputs_are_a_folder_per_regency_and_a_national_summary(tmp_path: Path, db: Any) -> None:
    pools = POOLS_CSV + "Polsek Tempursari,polri,-8.29,113.03,20,35.08.01\n"
    out = _plan(tmp_path, TWO_REGENCIES_TPS, pools)
    for reg in ("35.07", "35.08"):
        assert {p.name for p in (out / reg).iterdir()} == {"plan.xlsx", "plan.pdf", "posts.geojson"}
        assert (out / reg / "plan.pdf").read_bytes()[:4] == b"%PDF"
    plan = json.loads((out / "plan.json").read_text())
    assert [r["code"] for r in plan["regency_summary"]] == ["35.07", "35.08"]
    assert sum(r["officers"] for r in plan["regency_summary"]) == plan["officers"]
    gj = json.loads((out / "35.08" / "posts.geojson").read_text())
    in_lumajang = sorted(c for f in gj["features"] for c in f["properties"]["tps"])
    assert in_lumajang == [f"{LUMAJANG}/{n:03d}" for n in (1, 2, 3)]
    summary = openpyxl.load_workbook(out / "summary.xlsx").worksheets[0]
    codes = [row[0] for row in summary.iter_rows(values_only=True)]
    assert "35.07" in codes and "35.08" in codes


def test_two_worker_processes_give_the_same_plan_as_one(tmp_path: Path, db: Any) -> None:
    pools = POOLS_CSV + "Polsek Tempursari,polri,-8.29,113.03,20,35.08.01\n"
    one = json.loads((_plan(tmp_path, TWO_REGENCIES_TPS, pools, "--no-pdf", out="one") / "plan.json").read_text())
    two_dir = _plan(tmp_path, TWO_REGENCIES_TPS, pools, "--no-pdf", "--workers", "2", out="two")
    two = json.loads((two_dir / "plan.json").read_text())
    assert two["backend"] == "local processes (2)" and one["backend"] == "in-process"
    assert json.dumps(one["posts"]) == json.dumps(two["posts"])
    assert (two_dir / "35.08" / "plan.xlsx").exists()


def test_a_tps_far_from_its_desa_is_refused_by_row(tmp_path: Path, db: Any) -> None:
    paris = TPS_CSV + f"{TULUNGREJO}/013,{TULUNGREJO},aman,200,48.8566,2.3522,\n"  # row 16
    report = _refused(tmp_path, paris, POOLS_CSV)
    assert f"TPS.csv baris 16, kolom lat, lng: TPS {TULUNGREJO}/013 berjarak" in report
    assert "(batas 15 km)" in report
    near = TPS_CSV + f"{TULUNGREJO}/013,{TULUNGREJO},aman,200,-8.40,112.50,\n"  # about 5 km away
    assert "batas 4 km" in _refused(tmp_path, near, POOLS_CSV, "--max-km-from-desa", "4")
    assert (_plan(tmp_path, near, POOLS_CSV, "--no-pdf") / "plan.json").exists()


def test_a_kecamatan_without_a_pool_is_named(tmp_path: Path, db: Any) -> None:
    no_kalipare = "".join(line + "\n" for line in POOLS_CSV.splitlines() if "35.07.02" not in line or "Polres" in line)
    no_kalipare = no_kalipare.replace("35.07.01;35.07.02", "35.07.01")
    report = _refused(tmp_path, TPS_CSV, no_kalipare)
    assert "kecamatan 35.07.02" in report and "(1 TPS) tidak dilayani satuan polri" in report
    out = _plan(tmp_path, TPS_CSV, no_kalipare, "--no-pdf", "--allow-unpooled")
    plan = json.loads((out / "plan.json").read_text())
    assert plan["kecamatan_without_pool"] == {"35.07.02": 1}
    assert plan["uncovered_by_class"]["aman"] == 1


def test_a_row_too_long_is_named_by_its_number(tmp_path: Path, db: Any) -> None:
    long_row = TPS_CSV + f"{TULUNGREJO}/013,{TULUNGREJO},aman,200,-8.36,112.49," + "x" * 20_000 + "\n"
    report = _refused(tmp_path, long_row, POOLS_CSV)
    assert "TPS.csv baris 16: baris terlalu panjang (20.055 karakter, maks. 10.000)" in report


def test_the_row_limit_is_a_setting_and_names_the_first_row_beyond_it(tmp_path: Path, db: Any, settings: Any) -> None:
    settings.PRAJA = {**settings.PRAJA, "DEPLOYMENT_MAX_ROWS": 10}
    report = _refused(tmp_path, TPS_CSV, POOLS_CSV)
    assert "TPS.csv baris 12: terlalu banyak baris (maks. 10)" in report
