"""The leak scanner's world: the demo district's roles, agencies and accounts on a few TPS, with reports that carry
unique markers (tests/test_leak_scanner.py).

Built from the demo's own parts (`praja.demo.district`: the regions of Kabupaten Malang, its Polres, Polsek,
Kodim, Koramil and the other agencies, and the 18 demo accounts with their roles and regions) without its 3,782
generated TPS, so that crawling every page as every role stays quick. The reports are filed through the one intake
path and handled through the handling services, as the demo and real users do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

# Kecamatan of the planted reports: Donomulyo (Polsek/Koramil Donomulyo, the demo's Polsek account) and a
# kecamatan of Polres Batu (another Polres' area: ops.batu).
DONOMULYO = "35.07.01"
DONOMULYO_DESA = "35.07.01.2001"


@dataclass
class Marker:
    text: str  # what is searched for in every response (case-sensitive)
    what: str  # a short description for the failure message
    receipt: str  # the report it belongs to
    never: bool = False  # never shown by a GET (sealed identity, exact location): any appearance is a leak


@dataclass
class LeakWorld:
    markers: list[Marker] = field(default_factory=list)
    receipts: dict[str, str] = field(default_factory=dict)  # name -> receipt
    tps: str = ""  # the TPS the reports are about
    batu_tps: str = ""
    lapsit_ids: list[int] = field(default_factory=list)
    audit_seqs: list[int] = field(default_factory=list)

    def marker_texts(self) -> list[str]:
        return [m.text for m in self.markers]


def _tps(desa: str, number: int, lat: float, lng: float) -> Any:
    from praja.territory.models import TPS

    return TPS.objects.create(desa_id=desa, number=number, voters=250 + number, address=f"Balai desa {number}",
                              lat=lat, lng=lng, voters_generated=True, location_generated=True)


def build_demo_roles() -> dict[str, Any]:
    """Regions, a few TPS per kecamatan used, the demo's commands, agencies and accounts; the demo's risk values,
    pools, stage calendar and operation on those TPS. Returns the demo's facts."""
    from praja.base import audit
    from praja.demo import district as demo
    from praja.territory.loader import load_regions
    from praja.territory.models import Region

    f = demo.facts()
    with audit.acting_as(audit.system_actor("leak scanner world")):
        load_regions(f["regency"])
        batu = demo._batu_kecamatan(f)
        for kec in [DONOMULYO, "35.07.02", batu[0]]:
            desa = Region.objects.filter(parent_id=kec).order_by("code").first()
            assert desa is not None
            for n in (1, 2):
                _tps(desa.code, n, (desa.centroid_lat or -8.2) + n / 1000, (desa.centroid_lng or 112.5) + n / 1000)
        jur = demo._jurisdictions(f)
        agencies = demo._agencies(f, jur)
        demo._accounts(f, agencies)
        from praja.coordination.services import load_demo_operation, load_election
        from praja.deployment.regency_pools import load_demo_pools
        from praja.risk.services import load_demo_values

        load_demo_values(f["regency"])
        load_demo_pools(f["regency"])
        load_election()
        load_demo_operation(f["regency"])
    return f


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def plant(world: LeakWorld) -> None:
    """File the marked reports and handle them: neutrality reports about a Polsek (named and unnamed), a
    Koramil, the Polres itself and another Polres' unit; a sealed identity, an exact location, an internal
    note and an identity request on the one about the Polsek; a plain public report as the control."""
    from django.test import TestCase

    from praja.base import audit

    # The hooks a commit runs (the risk index records a verified report) run here too, inside the test.
    with TestCase.captureOnCommitCallbacks(execute=True), audit.acting_as(audit.system_actor("leak scanner")):
        _plant(world)


def _plant(world: LeakWorld) -> None:
    from praja.accounts.models import Agency
    from praja.demo import district as demo
    from praja.reports import handling, identity, intake
    from praja.territory.models import TPS

    f = demo.facts()
    batu_kec = demo._batu_kecamatan(f)[0]
    home = TPS.objects.filter(desa__parent_id=DONOMULYO).order_by("code").first()
    batu = TPS.objects.filter(desa__parent_id=batu_kec).order_by("code").first()
    assert home is not None and batu is not None
    world.tps, world.batu_tps = home.code, batu.code
    unit = {slug: Agency.objects.get(slug=slug).pk for slug in
            ("polsek-donomulyo", "koramil-donomulyo", "polres-malang", "polres-batu")}
    occurred = (timezone.now() - datetime.timedelta(hours=3)).isoformat()
    plans: list[tuple[str, str, dict[str, Any]]] = [
        ("polsek", "QXPOLSEKNAMED", {"subject_kind": "polri", "subject_unit": unit["polsek-donomulyo"],
                                     "anonymous": False, "reporter_name": "Zulkarnaen QXIDNAME",
                                     "phone": "081299887766", "latitude": -8.30917351, "longitude": 112.42837519}),
        ("polsek_unnamed", "QXPOLSEKUNNAMED", {"subject_kind": "polri"}),
        ("koramil", "QXKORAMIL", {"subject_kind": "tni", "subject_unit": unit["koramil-donomulyo"]}),
        ("polres", "QXPOLRESSELF", {"subject_kind": "polri", "subject_unit": unit["polres-malang"]}),
        ("batu", "QXPOLRESBATU", {"subject_kind": "polri", "subject_unit": unit["polres-batu"], "tps": batu.code}),
        ("control", "QXCONTROLPUBLIC", {"subject_kind": "", "category": "keamanan"}),
    ]
    bawaslu = handling.by(_user("bawaslu"), "web")
    for name, mark, extra in plans:
        raw: dict[str, Any] = {"category": "netralitas", "severity": 3, "title": f"Laporan {mark} di TPS",
                               "description": f"Uraian {mark}D tentang kejadian.", "tps": home.code,
                               "occurred_at": occurred, **extra}
        answer = intake.submit(intake.validate(raw), channel="web_publik", actor_label="pelapor")
        handling.on_intake(answer.report.pk)
        report = answer.report
        report.refresh_from_db()
        handling.verify(report, bawaslu, note=f"Cek lapangan {mark}V")
        handling.after_intake(report.pk)
        world.receipts[name] = report.receipt
        world.markers += [Marker(mark, f"title of the report about {name}", report.receipt),
                          Marker(mark + "D", f"description of the report about {name}", report.receipt),
                          Marker(mark + "V", f"verification note of the report about {name}", report.receipt),
                          Marker(report.receipt, f"receipt of the report about {name}", report.receipt)]
    polsek = world.receipts["polsek"]
    from praja.reports.models import Report

    report = Report.objects.get(receipt=polsek)
    handling.note(report, bawaslu, "Catatan internal QXNOTEINTERNAL terlapor Bripka X")
    req = identity.request_identity(report, handling.by(_user("gakkumdu"), "web"),
                                    "Perlu klarifikasi saksi QXREASONIDENTITY untuk berkas")
    world.markers += [
        Marker("QXNOTEINTERNAL", "internal note (handling.note)", polsek),
        Marker("QXREASONIDENTITY", "identity request reason", polsek),
        Marker("QXIDNAME", "sealed reporter name", polsek, never=True),
        Marker("99887766", "sealed reporter phone", polsek, never=True),
        Marker("917351", "exact latitude", polsek, never=True),
        Marker("837519", "exact longitude", polsek, never=True),
    ]
    assert req.pk
    from praja.base.models import AuditEntry

    # One audit entry of each kind about the report on the Polsek (its creation, the notes, the identity request,
    # the risk incident made from it), and the creation of the one about the Polres.
    first: dict[str, int] = {}
    for seq, target in (AuditEntry.objects.filter(report_ref__in=Report.objects.filter(
            receipt__in=[polsek, world.receipts["polres"]]).values("pk")).order_by("seq")
            .values_list("seq", "target_type")):
        first.setdefault(target, seq)
    world.audit_seqs = sorted(first.values())
