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

from praja import exports_safe as safe
from praja.base.scope import Scope
from praja.coordination.models import STATE_LABELS
from praja.situation import charts, mapdata
from praja.situation import dashboard as D
from praja.situation import sources as S
from praja.situation.models import Lapsit
from praja.territory.models import Region

MAX_ROWS = 500  # rows of a section kept for the XLSX annexes
PDF_ROWS = 20  # rows of a section printed in the PDF (the rest: "see the XLSX annex")


def period(day: datetime.date, at: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from 00:00 to 24:00, or to now when it is today, or to the moment chosen (`at`, on that day)."""
    start = S.end_of(day) - datetime.timedelta(days=1) + datetime.timedelta(microseconds=1)
    end = min(S.end_of(day), timezone.now().replace(microsecond=0))
    if at is not None and start <= at < end:
        end = at
    return start, end


def _drill_viewed() -> int | None:
    """The drill whose data this lapsit is built from (printed LATIHAN on it), or None for real data."""
    from praja.base import drillctx

    return drillctx.viewing()


def signatory(region: Region) -> dict[str, str]:
    """Who signs the lapsit: the configured leadership, never whoever pressed the button.

    PRAJA_SITUATION["LAPSIT_SIGNATORY"]: {"35.07": {"name": ..., "rank": ..., "position": ...}} (by regency or
    any enclosing code; "*" for all); else the person holding a role of LAPSIT_SIGNATORY_ROLES (default the
    Polres leader, `polres_leader`) at the region's regency; else an empty line for a hand signature."""
    from praja.accounts.models import RoleAssignment

    conf = dict(S.conf("LAPSIT_SIGNATORY", {}) or {})
    code = region.code
    for key in [code, S.child_of(code, 2), S.child_of(code, 1), "*"]:
        if key and isinstance(conf.get(key), dict):
            got = conf[key]
            return {"name": str(got.get("name", "")), "rank": str(got.get("rank", "")),
                    "position": str(got.get("position", ""))}
    roles = list(S.conf("LAPSIT_SIGNATORY_ROLES", ["polres_leader"]))
    regency = S.child_of(code, 2) or code
    ra = (RoleAssignment.objects.filter(active=True, role__in=roles, region_id=regency)
          .select_related("person__agency").order_by("pk").first())
    if ra is None:
        return {"name": "", "rank": "", "position": _("Kapolres")}
    agency = ra.person.agency.name if ra.person.agency_id else ""
    position = _("Kapolres %(unit)s") % {"unit": agency.removeprefix("Polres ").strip()} if agency.startswith(
        "Polres") else _("Pimpinan %(unit)s") % {"unit": agency}
    return {"name": ra.person.full_name, "rank": ra.person.rank, "position": position}


def audit_head() -> str:
    """The audit chain's head hash (printed in the lapsit: anchors the chain outside the database), when the
    audit module offers it."""
    from praja.base import audit

    fn = getattr(audit, "current_head", None)
    if fn is None:
        return ""
    try:
        head = fn()
    except Exception:  # noqa: BLE001 - a lapsit is issued even when the head cannot be read
        return ""
    return str(getattr(head, "hash", None) or getattr(head, "entry_hash", None) or head or "")


def stage_label(code: str) -> str:
    from praja.reports.legal import STAGES

    st = STAGES.get(code)
    return str(st.label) if st else ""


def class_label(code: str) -> str:
    from praja.deployment.models import CLASS_LABELS as POST_CLASSES

    return str(POST_CLASSES.get(code, code))


def _map_svg(pic: Any, region: Region, area: Scope) -> str:
    """The map: kecamatan shaded by their index, labelled with it (the map page's cached outlines)."""
    from praja.situation.templatetags.praja_shell import dec

    names = {r.code: r.name for r in pic.kecamatan}
    map_area = area if pic.level <= 2 else Scope.of([S.kecamatan_of(region.code)])
    features = json.loads(mapdata.boundaries_payload(map_area).body)["features"]
    fills = {r.code: charts.CLASS_COLOURS.get(r.klass, "#d4d4d4") for r in pic.kecamatan}
    labels = {r.code: f"{names.get(r.code, '')} {dec(r.index)}" if r.index is not None else names.get(r.code, "")
              for r in pic.kecamatan}
    return str(charts.region_map(features, fills, labels, _("Peta indeks kondusif per kecamatan")))


def _day_reports(viewer: S.Viewer, area: Scope, start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """The reports part of the lapsit, as the viewer may see them: those received that day (by category, by
    kecamatan), and open cases whose deadline is passed or within two days. Empty for a viewer without
    reports.view."""
    from django.db.models import Count

    out: dict[str, Any] = {"day_reports": [], "deadlines": [], "report_ids": [], "by_category": [],
                           "by_kecamatan": [], "n_day": 0, "n_day_severe": 0}
    if not viewer.sees_reports:
        return out
    cat_labels = S.category_labels()
    qs = S.visible_reports(viewer, area).select_related("region").defer("region__boundary")
    day_qs = qs.filter(received_at__gte=start, received_at__lte=end)
    dl_qs = S.open_reports(viewer, area, end).filter(due_at__isnull=False, due_at__lte=end + datetime.timedelta(days=2))
    sev = S.severe_min()
    by_category = [{"label": cat_labels.get(r["category"], r["category"]), "n": r["n"], "severe": r["s"]}
                   for r in (day_qs.order_by().values("category")
                             .annotate(n=Count("pk"), s=Count("pk", filter=Q(severity__gte=sev)))
                             .order_by("-n", "category"))]
    kec_counts: dict[str, list[int]] = {}
    for r in (day_qs.order_by().values("region_id")
              .annotate(n=Count("pk"), s=Count("pk", filter=Q(severity__gte=sev)))):
        kc = S.kecamatan_of(r["region_id"] or "")
        if kc:
            kec_counts.setdefault(kc, [0, 0])
            kec_counts[kc][0] += r["n"]
            kec_counts[kc][1] += r["s"]
    kn = S.region_names(set(kec_counts))
    by_kecamatan = [{"name": kn.get(code, code), "n": v[0], "severe": v[1]}
                    for code, v in sorted(kec_counts.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    out.update({
        "day_reports": list(day_qs.order_by("-severity", "received_at")[:MAX_ROWS]),
        "deadlines": list(dl_qs.select_related("region").defer("region__boundary").order_by("due_at")[:MAX_ROWS]),
        "report_ids": sorted(set(day_qs.values_list("pk", flat=True)) | set(dl_qs.values_list("pk", flat=True))),
        "by_category": by_category,
        "by_kecamatan": by_kecamatan[:MAX_ROWS],
        "n_day": sum(x["n"] for x in by_category),
        "n_day_severe": sum(x["severe"] for x in by_category),
    })
    return out


def context(viewer: S.Viewer, region: Region, area: Scope, day: datetime.date, notes: str = "",
            number: int | None = None, issued_by: str = "", at: datetime.datetime | None = None,
            audience_label: str = "") -> dict[str, Any]:
    """The lapsit's context: its sections gathered in this order (the queries of the lapsit), each as the
    viewer may see it."""
    from praja.situation import posts as P
    from praja.situation.views_dashboard import EVENT_LABELS

    start, end = period(day, at)
    pic = D.picture(viewer, region, area, end)
    overview = _overview(viewer, region, area, pic, end)
    reports = _day_reports(viewer, area, start, end)
    # Posts on the day: reported manned (with the people required), understrength, not reported by the time.
    day_posts = P.day_posts(pic.deployment.plan, S.visible_posts_of(viewer, area, pic.deployment.plan), day, end)
    events = S.events(viewer, area, start, end)
    states = S.commitment_states(viewer, area, day)
    commitments = _commitments(viewer, area, day)  # the XLSX annex; the overdue ones: the PDF
    overdue = [x["c"] for x in commitments if x["state"] == "overdue"]
    hoax_rows = _hoax_rows(pic)
    clarifications = S.clarifications(area, start, end)
    by_line = _activities_by_line(viewer, area, day)
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
        **overview,
        "chart_states": charts.states(states, {k: str(v) for k, v in STATE_LABELS.items()},
                                      _("Komitmen menurut status"), width=600),
        **reports,
        "narratives": hoax_rows[:MAX_ROWS],
        "narrative_titles": pic.narratives[:MAX_ROWS],
        "clarifications": clarifications,
        "deployment": pic.deployment,
        "states": states,
        "commitments": commitments,
        "overdue": overdue,
        "by_line": by_line,
        "events": [{"e": e, "label": EVENT_LABELS.get(e.kind, e.kind)} for e in events],
        "generated_at": timezone.now(),
        "day_posts": day_posts,
        "signatory": signatory(region),
        "drill": _drill_viewed(),
        "audit_head": audit_head(),
        "audience_label": audience_label,
        "kec_names": {r.code: r.name for r in pic.kecamatan} | S.region_names(
            {s["kecamatan_code"] for s in pic.deployment.shortfalls}),
        "pdf_slice": f":{PDF_ROWS}",
        "more": _more(reports, overdue, hoax_rows, pic, clarifications),
    }


def _overview(viewer: S.Viewer, region: Region, area: Scope, pic: D.Picture,
              end: datetime.datetime) -> dict[str, Any]:
    """Sections I and II: the overall index, the index per kecamatan (with its parts) and their map, the share of
    rawan TPS per region and the reports per day of the last 7 days (only for a viewer who sees reports)."""
    from praja.situation.views_dashboard import CLASS_LABELS, PART_LABELS, kondusif_view

    kec_rows = []
    for r in pic.kecamatan:
        k = kondusif_view(r)
        kec_rows.append({"r": r, "k": k, "parts": {p["key"]: p for p in (k or {}).get("parts", [])}})
    map_svg = _map_svg(pic, region, area)
    vuln_rows = [(r.name, round(100 * r.rawan / r.scored, 1) if r.scored else 0.0,
                  "#c8413a" if r.scored and r.rawan / r.scored >= 0.5 else "#e8b23a" if r.rawan else "#5fa35f",
                  f"{r.rawan}/{r.scored}") for r in pic.rows[:60]] if pic.level < 4 else []
    days, series = S.reports_per_day(viewer, area, end, 7)
    cat_labels = S.category_labels()
    return {
        "overall": kondusif_view(pic.overall),
        "kec_rows": kec_rows,
        "part_labels": PART_LABELS,
        "class_labels": CLASS_LABELS,
        "map_svg": map_svg,
        "chart_vuln": charts.hbars(vuln_rows, _("Bagian TPS rawan per wilayah"), maximum=100, width=600)
        if vuln_rows else None,
        "chart_days": charts.stacked_days(days, series, cat_labels, _("Laporan per hari menurut kategori (7 hari)"),
                                          list(cat_labels), width=600, height=180) if viewer.sees_reports else None,
    }


def _commitments(viewer: S.Viewer, area: Scope, day: datetime.date) -> list[dict[str, Any]]:
    """Every commitment in scope as it stood that day (the XLSX annex; the PDF lists the overdue ones)."""
    return [{"c": c, "state": S.state_on(c.status, c.due_date, c.closed_at, day)}
            for c in S.commitments_on(viewer, area, day).order_by("due_date", "pk")[:MAX_ROWS]]


def _hoax_rows(pic: D.Picture) -> list[dict[str, Any]]:
    """Hoax narratives: how many grow per kecamatan, most first. The growing narratives themselves are
    pic.narratives (the lapsit needs deployment.view, which also reads their titles: sources.Viewer.sees_narratives).
    """
    kec_names = {r.code: r.name for r in pic.kecamatan}
    return [{"code": k, "name": kec_names.get(k) or S.region_names({k}).get(k, k), "n": n}
            for k, n in sorted(pic.hoax_by_kecamatan.items(), key=lambda kv: (-kv[1], kv[0])) if n]


def _activities_by_line(viewer: S.Viewer, area: Scope, day: datetime.date) -> dict[str, list[Any]]:
    """The activity reports of the day by line (section VI)."""
    by_line: dict[str, list[Any]] = {}
    for a in list(S.activity_reports(viewer, area, day)[:MAX_ROWS * 2]):
        by_line.setdefault(a.line.get_kind_display(), []).append(a)
    return by_line


def _more(reports: dict[str, Any], overdue: list[Any], hoax_rows: list[dict[str, Any]], pic: D.Picture,
          clarifications: list[Any]) -> dict[str, int]:
    """How many rows of each section the PDF leaves to the XLSX annex."""
    return {"day_reports": max(0, len(reports["day_reports"]) - PDF_ROWS),
            "deadlines": max(0, len(reports["deadlines"]) - PDF_ROWS),
            "overdue": max(0, len(overdue) - PDF_ROWS), "narratives": max(0, len(hoax_rows) - PDF_ROWS),
            "narrative_titles": max(0, len(pic.narratives[:MAX_ROWS]) - PDF_ROWS),
            "clarifications": max(0, len(clarifications) - PDF_ROWS),
            "shortfalls": max(0, len(pic.deployment.shortfalls) - PDF_ROWS)}


def render_html(ctx: dict[str, Any]) -> str:
    return render_to_string("situation/lapsit.html", ctx)


def render_pdf(ctx: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(ctx)).write_pdf()
    return pdf


def render_xlsx(ctx: dict[str, Any]) -> bytes:
    """The annexes: one sheet per section, the same numbers as the PDF; labels, never codes; no formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]], first: bool = False) -> None:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title[:31]
        safe.openpyxl_rows(ws, [[f"Lapsit {ctx['region_name']} {ctx['day']:%d-%m-%Y}"], header])
        for c in ws[2]:
            c.font = bold
        safe.openpyxl_rows(ws, rows)
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
    seen: set[int] = set()
    rows: list[list[Any]] = []
    for r in list(ctx["day_reports"]) + list(ctx["deadlines"]):
        if r.pk in seen:
            continue
        seen.add(r.pk)
        rows.append([r.receipt, timezone.localtime(r.received_at).replace(tzinfo=None), r.get_category_display(),
                     r.get_severity_display(), r.title, r.region.name if r.region else "", r.get_status_display(),
                     stage_label(r.stage),
                     timezone.localtime(r.due_at).replace(tzinfo=None) if r.due_at else None])
    sheet(_("Kejadian"), [_("Tanda terima"), _("Diterima"), _("Kategori"), _("Tingkat"), _("Judul"), _("Wilayah"),
                          _("Status"), _("Tahap"), _("Batas waktu")], rows)
    sheet(_("Hoaks"), [_("Jenis"), _("Wilayah"), _("Jumlah"), _("Judul")],
          [[_("Narasi tumbuh"), n["name"], n["n"], None] for n in ctx["narratives"]]
          + [[_("Narasi"), ", ".join(S.region_names(set(n.places or [])).values()), n.volume, n.title]
             for n in ctx["narrative_titles"]]
          + [[_("Klarifikasi"), S.region_names({c.region_code}).get(c.region_code, "") if c.region_code else "",
              None, c.title] for c in ctx["clarifications"]])
    dep = ctx["deployment"]
    names = ctx.get("kec_names", {})
    sheet(_("Pengamanan"), [_("Pos"), _("Kecamatan"), _("Kelas"), _("Polri"), "TPS"],
          [[s["code"], names.get(s["kecamatan_code"], s["kecamatan_code"]), class_label(s["cls"]), s["police"],
            s["tps_count"]] for s in dep.shortfalls])
    dp = ctx["day_posts"]
    post_rows: list[list[Any]] = []
    for r in dp.short_list:
        kec_name = r.get("kecamatan_name") or names.get(r["kecamatan_code"], "")
        post_rows.append([r["code"], kec_name, _("Kurang personel"),
                          r["manned_people"], r["required"],
                          timezone.localtime(r["manned_at"]).replace(tzinfo=None) if r["manned_at"] else None])
    for g in dp.missing_by_polsek:
        for r in g.posts:
            post_rows.append([r["code"], g.name, _("Belum melapor"), None, r["required"], None])
    sheet(_("Pos hari ini"), [_("Pos"), _("Kecamatan"), _("Keadaan"), _("Hadir"), _("Dibutuhkan"), _("Dilaporkan")],
          post_rows)
    sheet(_("Kegiatan"), [_("Bidang"), _("Kegiatan"), _("Lokasi"), _("Wilayah"), _("Personel")],
          [[line, a.what, a.place, a.region.name, a.people] for line, acts in ctx["by_line"].items() for a in acts])
    sheet(_("Komitmen"), [_("Instansi"), _("Keputusan"), _("Rakor"), _("Tenggat"), _("Status"), _("Ditutup")],
          [[x["c"].owner.name, x["c"].decision.text, x["c"].decision.meeting.title, x["c"].due_date,
            str(STATE_LABELS[x["state"]]),
            timezone.localtime(x["c"].closed_at).replace(tzinfo=None) if x["state"] == "done" and x["c"].closed_at
            else None]
           for x in ctx["commitments"]])
    safe.no_formulas(wb)  # belt and braces: nothing in the annexes is ever a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def next_number(region: Region, day: datetime.date) -> int:
    n = Lapsit.objects.filter(region=region, day=day).aggregate(m=Max("number"))["m"]
    return (n or 0) + 1


# --- audiences (issue 14 item 1) --------------------------------------------------------------------------

LEADERSHIP = "pimpinan"
GENERAL = "umum"


def without_reports(viewer: S.Viewer) -> S.Viewer:
    """The same viewer without any report capability: the `umum` version holds no report detail."""
    from praja.base import roles as R

    caps = frozenset(c for c in viewer.capabilities if not c.startswith("reports."))
    caps = caps - {R.REPORTS_VIEW}
    return S.Viewer(scope=viewer.scope, capabilities=caps, person=viewer.person, user=viewer.user)


def audience_labels() -> dict[str, str]:
    return {LEADERSHIP: _("Pimpinan dan staf operasi (dengan laporan kejadian)"),
            GENERAL: _("Mitra tanpa akses laporan (tanpa rincian laporan kejadian)")}


def _build(viewer: S.Viewer, region: Region, area: Scope, day: datetime.date, notes: str, number: int,
           issued_by: str, user: Any, audience: str, label: str, at: datetime.datetime | None,
           end: datetime.datetime | None = None) -> Lapsit:
    ctx = context(viewer, region, area, day, notes, number=number, issued_by=issued_by, at=end or at,
                  audience_label=label)
    pdf = render_pdf(ctx)
    xlsx = render_xlsx(ctx)
    overall = ctx["pic"].overall
    sig = ctx["signatory"]
    return Lapsit.objects.create(
        region=region, day=day, number=number, period_start=ctx["start"], period_end=ctx["end"],
        commander_notes=notes, kondusif_index=overall.index if overall else None,
        kondusif_class=overall.klass if overall else "", pdf=pdf, xlsx=xlsx,
        issued_by=user if getattr(user, "pk", None) else None, issued_by_name=issued_by,
        audience=audience, audience_label=label, report_ids=ctx["report_ids"],
        signed_name=sig["name"], signed_rank=sig["rank"], signed_position=sig["position"],
        audit_head=ctx["audit_head"],
    )


@transaction.atomic
def issue(viewer: S.Viewer, region: Region, area: Scope, day: datetime.date, notes: str, user: Any,
          at: datetime.datetime | None = None) -> Lapsit:
    """Make the PDF and XLSX and archive them with their hashes (a new number when the day has one already),
    once per audience: the leadership's version (the issuer's view of the reports) and the general one (no
    report detail). Returns the leadership's version."""
    name = getattr(getattr(user, "person", None), "full_name", "") or getattr(user, "username", "")
    number = next_number(region, day)
    labels = audience_labels()
    lead = _build(viewer, region, area, day, notes, number, name, user, LEADERSHIP, labels[LEADERSHIP], at)
    _build(without_reports(viewer), region, area, day, notes, number, name, user, GENERAL, labels[GENERAL], at,
           end=lead.period_end)
    return lead


@transaction.atomic
def issue_for_unit(viewer: S.Viewer, original: Lapsit) -> Lapsit:
    """A version of an issued lapsit for the reader's own unit (audience `satuan:<slug>`): the same day, moment,
    notes and signature, built with the reader's view of the reports (a report about the unit's own people is
    not in it). Made once per unit and issue; archived with its own hashes."""
    agency = getattr(viewer.person, "agency", None)
    if agency is None:
        raise PermissionError("no unit")
    audience = f"satuan:{agency.slug}"
    got = Lapsit.objects.filter(region=original.region, day=original.day, number=original.number,
                                audience=audience).first()
    if got is not None:
        return got
    area = S.area_scope(viewer, original.region_id) or Scope.nothing()
    return _build(viewer, original.region, area, original.day, original.commander_notes, original.number,
                  original.issued_by_name, original.issued_by, audience, agency.name, None, end=original.period_end)


def readable(viewer: S.Viewer, lap: Lapsit) -> bool:
    """May this reader open this version? Inside the scope (the region wholly), with deployment.view, and:
    `umum` for anyone else; `satuan:<slug>` only for that unit's people; `pimpinan` only with reports.view and
    only when every report it holds is one the reader may see (no report about the reader's own unit)."""
    if not viewer.sees_deployment or not viewer.scope.covers(lap.region_id):
        return False
    if lap.audience == GENERAL:
        return True
    agency = getattr(viewer.person, "agency", None)
    if lap.audience.startswith("satuan:"):
        return agency is not None and lap.audience == f"satuan:{agency.slug}"
    if not viewer.sees_reports:
        return False
    ids = [int(i) for i in (lap.report_ids or [])]
    if not ids:
        return True
    from praja.reports import visibility
    from praja.reports.models import Report

    seen = visibility.reports(Report.objects.filter(pk__in=ids), scope=viewer.scope, person=viewer.person,
                              capabilities=viewer.capabilities).count()
    return bool(seen == len(set(ids)))


def visible(viewer: S.Viewer) -> Any:
    """Issued lapsit of regions inside the viewer's scope (a lapsit of a whole regency is not shown to a Polsek of
    one kecamatan: it holds the others' figures); a lapsit holds deployment detail, so deployment.view is needed.
    Which audience versions the reader may open: `readable`."""
    if not viewer.sees_deployment:
        return Lapsit.objects.none()
    return Lapsit.objects.filter(viewer.scope.q("region__code") if not viewer.scope.national else Q())


def readable_versions(viewer: S.Viewer, qs: Any) -> list[Lapsit]:
    return [lap for lap in qs if readable(viewer, lap)]
