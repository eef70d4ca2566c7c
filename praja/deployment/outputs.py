"""What `praja deployment plan --tps ... --out DIR` writes, from a plan solved from files.

    DIR/plan.json            the totals, the bound and its name, a line per regency, every post
    DIR/summary.xlsx         the national (or provincial) summary: a row per regency
    DIR/<regency>/plan.xlsx  the regency's plan, a sheet per Polsek
    DIR/<regency>/plan.pdf   its annex (A4 landscape), unless --no-pdf
    DIR/<regency>/posts.geojson
    DIR/plan.xlsx, DIR/posts.geojson   as well, when the input is one regency (the usual district case)

A regency's files are written by the pure job ``deployment.write_regency`` (praja/jobs.py `map`: a pool
of local processes with --workers N), so the country's 514 workbooks are written side by side instead of
one workbook of 7,268 sheets.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from praja.deployment import exports
from praja.deployment.importers import CENTROID_FILE, TpsFile
from praja.deployment.solver import TPS, Pattern, Plan, Pool, Settings


@dataclass
class RegencyOutput:
    """One regency's files: what the job `deployment.write_regency` gets (picklable, no database)."""

    code: str
    folder: str
    document: exports.Document
    pdf: bool
    language: str


def names(codes: set[str]) -> dict[str, str]:
    """Region names from the database, else the committed Kabupaten Malang file (nothing when neither)."""
    out: dict[str, str] = {}
    try:
        from django.db import DatabaseError

        from praja.territory.models import Region

        ordered = sorted(codes)
        try:
            for i in range(0, len(ordered), 900):
                out.update(Region.objects.filter(code__in=ordered[i:i + 900]).values_list("code", "name"))
        except DatabaseError:
            pass
    except ImportError:
        pass
    if set(codes) - set(out) and CENTROID_FILE.exists():
        with CENTROID_FILE.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["kode"] in codes:
                    out.setdefault(r["kode"], r["nama"])
    return out


def units(kecs: Iterable[str], pools: Sequence[Pool], region_names: Mapping[str, str]) -> dict[str, str]:
    """The sheet of each kecamatan: the own polri pool that serves it and the fewest other kecamatan (its
    Polsek, by name and code where it has both); 'Kecamatan X' when only a regency-wide pool serves it."""
    serving: dict[str, list[Pool]] = {}
    for p in pools:
        if p.kind == "polri" and not p.bko:
            for k in p.kecamatan_codes:
                serving.setdefault(k, []).append(p)
    out: dict[str, str] = {}
    for k in kecs:
        best = min(serving.get(k, []), key=lambda p: (len(p.kecamatan_codes), p.unit), default=None)
        if best is not None and len(best.kecamatan_codes) == 1:
            out[k] = best.name or best.unit
        else:
            out[k] = f"Kecamatan {region_names.get(k, k)}"
    return out


def _post_line(number: int, p: Any, members: list[TPS], tps_file: TpsFile, centroid: set[str],
               region_names: Mapping[str, str], unit: str, labels: Mapping[str, str]) -> exports.PostLine:
    return exports.PostLine(
        number=number, code=p.id, kecamatan=p.kecamatan_code, kecamatan_name=region_names.get(p.kecamatan_code, ""),
        desa_name=region_names.get(p.area_code, ""), lat=p.lat, lng=p.lng, cls=p.cls, police=p.police, tni=p.tni,
        linmas=p.linmas, pool=labels.get(p.pool, p.pool or ""), km=p.km,
        tni_pool=labels.get(p.tni_pool, p.tni_pool or ""), tni_km=p.tni_km, covered=p.covered, edited=False, unit=unit,
        tps=[exports.TpsLine(t.code, tps_file.address.get(t.code, ""), t.voters, t.cls, t.lat, t.lng,
                             t.code in centroid) for t in members],
    )


def documents(plan: Plan, tps_file: TpsFile, pools: Sequence[Pool], pattern: Pattern, settings: Settings,
              by_regency: bool, regency_bounds: Mapping[str, int] | None = None) -> dict[str, exports.Document]:
    """One Document per regency (or one for everything when `by_regency` is false: key ""); a regency's
    lower bound from `regency_bounds` where it was planned on its own."""
    from django.utils import timezone

    from praja.deployment.models import CLASS_LABELS

    by_code: dict[str, TPS] = {t.code: t for t in tps_file.tps}
    centroid = set(tps_file.at_centroid)
    kecs = sorted({t.kecamatan_code for t in tps_file.tps})
    region_names = names(set(kecs) | {p.area_code for p in plan.posts} | {k[:5] for k in kecs})
    sheet_of = units(kecs, pools, region_names)
    labels = {p.unit: p.label for p in pools}
    groups: dict[str, list[Any]] = {}
    for p in sorted(plan.posts, key=lambda p: (p.kecamatan_code, p.id)):
        groups.setdefault(p.kecamatan_code[:5] if by_regency else "", []).append(p)
    created = timezone.localtime()
    class_labels = {k: str(v) for k, v in CLASS_LABELS.items()}
    out: dict[str, exports.Document] = {}
    for reg, posts in sorted(groups.items()):
        lines = [_post_line(i, p, [by_code[c] for c in p.tps], tps_file, centroid, region_names,
                            sheet_of[p.kecamatan_code], labels) for i, p in enumerate(posts, start=1)]
        reg_kecs = {p.kecamatan_code for p in posts}
        label = f"{region_names.get(reg, '')} ({reg})".strip() if reg else ", ".join(sorted({k[:5] for k in kecs}))
        out[reg] = exports.build_document(
            title="Rencana pengamanan TPS", region_label=label, version=pattern.name, pattern=pattern,
            settings=settings, posts=lines,
            lower_bound=(plan.officers_lower_bound if not reg or len(groups) == 1
                         else (regency_bounds or {}).get(reg)),
            bound_name=plan.bound_name, reserve=plan.reserve if len(groups) == 1 else None,
            bko_needed=sum(s.police + s.tni for k, s in plan.shortfall.items() if k in reg_kecs),
            shortfall={k: asdict(v) for k, v in plan.shortfall.items() if k in reg_kecs},
            created=created, class_labels=class_labels,
        )
    return out


def write_regency(job: RegencyOutput) -> dict[str, Any]:
    """Write one regency's plan.xlsx, posts.geojson and (unless told not to) plan.pdf; the sizes back."""
    _ensure_django(job.language)
    folder = Path(job.folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    data = exports.to_xlsx(job.document)
    (folder / "plan.xlsx").write_bytes(data)
    written["plan.xlsx"] = len(data)
    text = json.dumps(exports.to_geojson(job.document), ensure_ascii=False) + "\n"
    (folder / "posts.geojson").write_text(text, encoding="utf-8")
    written["posts.geojson"] = len(text)
    if job.pdf:
        pdf = exports.to_pdf(job.document)
        (folder / "plan.pdf").write_bytes(pdf)
        written["plan.pdf"] = len(pdf)
    return {"code": job.code, "files": written}


def _ensure_django(language: str) -> None:
    """In a worker process: Django set up (templates and translations; no database is touched)."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
        django.setup()
    from django.utils import translation

    if language:
        translation.activate(language)


def regency_rows(plan: Plan, region_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """A line per regency for plan.json and summary.xlsx."""
    rows: dict[str, dict[str, Any]] = {}
    for p in plan.posts:
        reg = p.kecamatan_code[:5]
        r = rows.setdefault(reg, {"code": reg, "name": region_names.get(reg, ""), "posts": 0, "tps": 0, "officers": 0,
                                  "soldiers": 0, "linmas": 0, "uncovered_tps": 0, "km_total": 0.0,
                                  "folder": reg})
        r["posts"] += 1
        r["tps"] += len(p.tps)
        r["officers"] += p.police
        r["soldiers"] += p.tni
        r["linmas"] += p.linmas
        r["uncovered_tps"] += 0 if p.covered else len(p.tps)
        r["km_total"] += (p.km if p.pool else 0.0) + (p.tni_km if p.tni_pool else 0.0)
    for r in rows.values():
        r["km_total"] = round(r["km_total"], 3)
    return [rows[k] for k in sorted(rows)]


def summary_xlsx(rows: Sequence[Mapping[str, Any]], totals: Mapping[str, Any]) -> bytes:
    """The national summary: one sheet, a row per regency (written streaming: openpyxl write-only)."""
    import io

    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from praja import exports_safe as safe

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Ringkasan"))
    safe.openpyxl_rows(ws, [[_("Kode"), _("Kabupaten/kota"), _("Pos"), _("TPS"), _("Polri"), _("TNI"), _("Linmas"),
                             _("TPS belum terpenuhi"), _("Jarak tempuh total (km)"), _("Folder")]])
    safe.openpyxl_rows(ws, ([r["code"], r["name"], r["posts"], r["tps"], r["officers"], r["soldiers"], r["linmas"],
                             r["uncovered_tps"], r["km_total"], r["folder"]] for r in rows))
    safe.openpyxl_rows(ws, [[_("Jumlah"), "", totals["posts"], totals["tps"], totals["officers"], totals["soldiers"],
                             totals["linmas"], sum(int(r["uncovered_tps"]) for r in rows), totals["km_total"], ""],
                            [], [_("Batas bawah personel Polri"), totals["officers_lower_bound"]]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


Writer = Callable[[Sequence[RegencyOutput]], list[dict[str, Any]]]


def write_all(out: Path, docs: Mapping[str, exports.Document], pdf: bool, language: str,
              writer: Writer) -> list[dict[str, Any]]:
    """Each regency's folder through `writer` (jobs.map, in worker processes or not); with one
    regency its plan.xlsx and posts.geojson at the top as well."""
    jobs_ = [RegencyOutput(reg, str(out / reg), doc, pdf, language) for reg, doc in sorted(docs.items())]
    written = writer(jobs_)
    if len(jobs_) == 1:
        folder = Path(jobs_[0].folder)
        for name in ("plan.xlsx", "posts.geojson"):
            (out / name).write_bytes((folder / name).read_bytes())
    return written
