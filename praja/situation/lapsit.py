"""The daily situation report (lapsit) of one region for one day: an A4 PDF (WeasyPrint, charts and the
kecamatan map as SVG) and XLSX annexes (openpyxl), made from the same data as the dashboard.

Sections: I period and overall situation, II per kecamatan (with the map), III incidents and cases with their
deadlines, IV hoax narratives and clarifications, V deployment and shortfalls, VI activities per line,
VII rakor commitments, VIII the commander's notes. `issue()` archives both files with their SHA-256.
"""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from praja.coordination.models import STATE_LABELS
from praja.situation import charts, mapdata
from praja.situation import dashboard as D
from praja.situation import sources as S
from praja.situation.models import Lapsit
from praja.territory.models import Region
from praja.territory.scope import Scope

MAX_ROWS = 500  # rows of a section kept for the XLSX annexes
PDF_ROWS = 20  # rows of a section printed in the PDF (the rest: "see the XLSX annex")


def period(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from 00:00 to 24:00, or to now when it is today."""
    start = S.end_of(day) - datetime.timedelta(days=1) + datetime.timedelta(microseconds=1)
    end = min(S.end_of(day), timezone.now())
    return start, end


def context(viewer: S.Viewer, region: Region, area: Scope, day: datetime.date, notes: str = "",
            number: int | None = None, issued_by: str = "") -> dict[str, Any]:
    from praja.situation.views_dashboard import CLASS_LABELS, EVENT_LABELS, PART_LABELS, kondusif_view

    start, end = period(day)
    pic = D.picture(viewer, region, area, end)
    kec_rows = []
    names = {r.code: r.name for r in pic.kecamatan}
    for r in pic.kecamatan:
        k = kondusif_view(r)
        kec_rows.append({"r": r, "k": k, "parts": {p["key"]: p for p in (k or {}).get("parts", [])}})
    # The map: kecamatan shaded by their index, labelled with it.
    map_area = area if pic.level <= 2 else Scope.of([S.kecamatan_of(region.code)])
    features = json.loads(mapdata.boundaries_payload(map_area).body)["features"]  # the map's cached outlines
    fills = {r.code: charts.CLASS_COLOURS.get(r.klass, "#d4d4d4") for r in pic.kecamatan}
    labels = {r.code: f"{names.get(r.code, '')} {r.index:g}" if r.index is not None else names.get(r.code, "")
              for r in pic.kecamatan}
    map_svg = charts.region_map(features, fills, labels, _("Peta indeks kondusif per kecamatan"))
    vuln_rows = [(r.name, round(100 * r.rawan / r.scored, 1) if r.scored else 0.0,
                  "#c8413a" if r.scored and r.rawan / r.scored >= 0.5 else "#e8b23a" if r.rawan else "#5fa35f",
                  f"{r.rawan}/{r.scored}") for r in pic.rows[:60]] if pic.level < 4 else []
    days, series = S.reports_per_day(viewer, area, end, 7)
    cat_labels = S.category_labels()
    # Incidents: received that day; and open cases whose deadline is passed or within two days.
    day_reports: list[Any] = []
    deadlines: list[Any] = []
    if viewer.sees_reports:
        qs = S.visible_reports(viewer, area).select_related("region").defer("region__boundary")
        day_reports = list(qs.filter(received_at__gte=start, received_at__lte=end).order_by("-severity",
                                                                                            "received_at")[:MAX_ROWS])
        deadlines = list(S.open_reports(viewer, area, end).filter(due_at__isnull=False,
                                                                  due_at__lte=end + datetime.timedelta(days=2))
                         .select_related("region").defer("region__boundary").order_by("due_at")[:MAX_ROWS])
    states = S.commitment_states(viewer, area, day)
    # Every commitment in scope as it stood that day (the XLSX annex), and the overdue ones (the PDF).
    commitments = [{"c": c, "state": S.state_on(c.status, c.due_date, c.closed_at, day)}
                   for c in S.commitments_on(viewer, area, day).order_by("due_date", "pk")[:MAX_ROWS]]
    overdue = [x["c"] for x in commitments if x["state"] == "overdue"]
    # Hoax narratives: how many grow per kecamatan, then the growing narratives themselves (the lapsit needs
    # deployment.view, which also reads their titles: sources.Viewer.sees_narratives).
    kec_names = {r.code: r.name for r in pic.kecamatan}
    hoax_rows = [{"code": k, "name": kec_names.get(k) or S.region_names({k}).get(k, k), "n": n}
                 for k, n in sorted(pic.hoax_by_kecamatan.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    clarifications = S.clarifications(area, start, end)
    activities = list(S.activity_reports(viewer, area, day)[:MAX_ROWS * 2])
    by_line: dict[str, list[Any]] = {}
    for a in activities:
        by_line.setdefault(a.line.get_kind_display(), []).append(a)
    return {
        "region": region,
        "region_name": region.name,
        "day": day,
        "start": start,
        "end": end,
        "number": number,
        "notes": notes,
        "issued_by": issued_by,
        "pic": pic,
        "overall": kondusif_view(pic.overall),
        "kec_rows": kec_rows,
        "part_labels": PART_LABELS,
        "class_labels": CLASS_LABELS,
        "map_svg": map_svg,
        "chart_vuln": charts.hbars(vuln_rows, _("Bagian TPS rawan per wilayah"), maximum=100, width=600)
        if vuln_rows else None,
        "chart_days": charts.stacked_days(days, series, cat_labels, _("Laporan per hari menurut kategori (7 hari)"),
                                          list(cat_labels), width=600, height=180) if viewer.sees_reports else None,
        "chart_states": charts.states(states, {k: str(v) for k, v in STATE_LABELS.items()},
                                      _("Komitmen menurut status"), width=600),
        "day_reports": day_reports,
        "deadlines": deadlines,
        "narratives": hoax_rows[:MAX_ROWS],
        "narrative_titles": pic.narratives[:MAX_ROWS],
        "clarifications": clarifications,
        "deployment": pic.deployment,
        "states": states,
        "commitments": commitments,
        "overdue": overdue,
        "by_line": by_line,
        "events": [{"e": e, "label": EVENT_LABELS.get(e.kind, e.kind)} for e in S.events(viewer, area, start, end)],
        "generated_at": timezone.now(),
        "pdf_slice": f":{PDF_ROWS}",
        "more": {"day_reports": max(0, len(day_reports) - PDF_ROWS), "deadlines": max(0, len(deadlines) - PDF_ROWS),
                 "overdue": max(0, len(overdue) - PDF_ROWS), "narratives": max(0, len(hoax_rows) - PDF_ROWS),
                 "narrative_titles": max(0, len(pic.narratives[:MAX_ROWS]) - PDF_ROWS),
                 "clarifications": max(0, len(clarifications) - PDF_ROWS),
                 "shortfalls": max(0, len(pic.deployment.shortfalls) - PDF_ROWS)},
    }


def render_html(ctx: dict[str, Any]) -> str:
    return render_to_string("situation/lapsit.html", ctx)


def render_pdf(ctx: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(ctx)).write_pdf()
    return pdf


def render_xlsx(ctx: dict[str, Any]) -> bytes:
    """The annexes: one sheet per section, the same numbers as the PDF."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], first: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title[:31]
        ws.append([f"Lapsit {ctx['region_name']} {ctx['day'].isoformat()}"])
        ws.append(header)
        for c in ws[2]:
            c.font = bold
        for r in rows:
            ws.append(r)
        ws.freeze_panes = "A3"
        for i, _h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = 18

    kec = []
    for x in ctx["kec_rows"]:
        r = x["r"]
        parts = x["parts"]
        kec.append([r.code, r.name, r.index, str(ctx["class_labels"].get(r.klass, "")), r.tps]
                   + [parts.get(k, {}).get("deduction") for k in ("kerawanan", "laporan", "hoaks", "pos")])
    sheet(_("Kecamatan"), [_("Kode"), _("Kecamatan"), _("Indeks kondusif"), _("Kelas"), "TPS",
                           _("Pengurang kerawanan"), _("Pengurang laporan"), _("Pengurang hoaks"), _("Pengurang pos")],
          kec, first=True)
    sheet(_("Kejadian"), [_("Tanda terima"), _("Diterima"), _("Kategori"), _("Tingkat"), _("Judul"), _("Wilayah"),
                          _("Status"), _("Batas waktu")],
          [[r.receipt, timezone.localtime(r.received_at).replace(tzinfo=None), r.get_category_display(),
            r.get_severity_display(), r.title, r.region.name if r.region else "", r.get_status_display(),
            timezone.localtime(r.due_at).replace(tzinfo=None) if r.due_at else None]
           for r in list(ctx["day_reports"]) + list(ctx["deadlines"])])
    sheet(_("Hoaks"), [_("Jenis"), _("Wilayah"), _("Jumlah"), _("Judul")],
          [[_("Narasi tumbuh"), n["name"], n["n"], None] for n in ctx["narratives"]]
          + [[_("Narasi"), ", ".join(n.places or []), n.volume, n.title] for n in ctx["narrative_titles"]]
          + [[_("Klarifikasi"), c.region_code, None, c.title] for c in ctx["clarifications"]])
    dep = ctx["deployment"]
    sheet(_("Pengamanan"), [_("Pos"), _("Kecamatan"), _("Desa/kec."), _("Kelas"), _("Polri"), "TPS"],
          [[s["code"], s["kecamatan_code"], s["area_code"], s["cls"], s["police"], s["tps_count"]]
           for s in dep.shortfalls])
    sheet(_("Kegiatan"), [_("Bidang"), _("Kegiatan"), _("Lokasi"), _("Wilayah"), _("Personel")],
          [[line, a.what, a.place, a.region.name, a.people] for line, acts in ctx["by_line"].items() for a in acts])
    sheet(_("Komitmen"), [_("Instansi"), _("Keputusan"), _("Rakor"), _("Tenggat"), _("Status"), _("Ditutup")],
          [[x["c"].owner.name, x["c"].decision.text, x["c"].decision.meeting.title, x["c"].due_date,
            str(STATE_LABELS[x["state"]]),
            timezone.localtime(x["c"].closed_at).replace(tzinfo=None) if x["state"] == "done" and x["c"].closed_at
            else None]
           for x in ctx["commitments"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def next_number(region: Region, day: datetime.date) -> int:
    n = Lapsit.objects.filter(region=region, day=day).aggregate(m=Max("number"))["m"]
    return (n or 0) + 1


@transaction.atomic
def issue(viewer: S.Viewer, region: Region, area: Scope, day: datetime.date, notes: str, user: Any) -> Lapsit:
    """Make the PDF and XLSX and archive them with their hashes (a new number when the day has one already)."""
    name = getattr(getattr(user, "person", None), "full_name", "") or getattr(user, "username", "")
    number = next_number(region, day)
    ctx = context(viewer, region, area, day, notes, number=number, issued_by=name)
    pdf = render_pdf(ctx)
    xlsx = render_xlsx(ctx)
    overall = ctx["pic"].overall
    return Lapsit.objects.create(
        region=region, day=day, number=number, period_start=ctx["start"], period_end=ctx["end"],
        commander_notes=notes, kondusif_index=overall.index if overall else None,
        kondusif_class=overall.klass if overall else "", pdf=pdf, xlsx=xlsx,
        issued_by=user if getattr(user, "pk", None) else None, issued_by_name=name,
    )


def visible(viewer: S.Viewer) -> Any:
    """Issued lapsit of regions inside the viewer's scope (a lapsit of a whole regency is not shown to a Polsek of
    one kecamatan: it holds the others' figures); a lapsit holds deployment detail, so deployment.view is needed."""
    if not viewer.sees_deployment:
        return Lapsit.objects.none()
    return Lapsit.objects.filter(viewer.scope.q("region__code") if not viewer.scope.national else Q())
