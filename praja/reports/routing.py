"""Neutrality routing: a report about a police officer, a soldier, a civil servant or a village head goes
outside the reported person's own unit, to its legal path's recipient and to Bawaslu.

The reported unit (``Report.subject_unit``) and every unit under it never see the report (visibility.py
excludes it), cannot be assigned it, and cannot receive it along a legal path. When the sender did not
name the unit, the local unit of that kind serving the report's place is excluded instead (a report about
"a police officer" at a TPS in Donomulyo is hidden from Polsek Donomulyo).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from praja.accounts.models import Agency
from praja.reports import legal
from praja.reports.models import LegalPath, Report, SubjectKind

# Whom the law protects from their own unit, and the path a finding about them takes.
SUBJECT_PATH: dict[str, str] = {
    SubjectKind.POLICE: LegalPath.POLICE,
    SubjectKind.MILITARY: LegalPath.MILITARY,
    SubjectKind.CIVIL_SERVANT: LegalPath.CIVIL_SERVANT,
    SubjectKind.VILLAGE_HEAD: LegalPath.VILLAGE_HEAD,
    SubjectKind.ELECTION_BODY: LegalPath.ETHICS,
}
PROTECTED_SUBJECTS = frozenset(
    {SubjectKind.POLICE, SubjectKind.MILITARY, SubjectKind.CIVIL_SERVANT, SubjectKind.VILLAGE_HEAD}
)
# The local unit presumed to be the subject's own when the sender named none.
LOCAL_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    SubjectKind.POLICE: (Agency.Kind.POLSEK,),
    SubjectKind.MILITARY: (Agency.Kind.KORAMIL,),
    SubjectKind.VILLAGE_HEAD: (Agency.Kind.KECAMATAN,),
}


def agency_chain(agency: Agency | None) -> list[int]:
    """The agency and every agency above it (ids), nearest first."""
    out: list[int] = []
    seen: set[int] = set()
    while agency is not None and agency.pk not in seen:
        out.append(agency.pk)
        seen.add(agency.pk)
        agency = agency.parent
    return out


def _within_region(field: str, region_code: str) -> Q:
    return Q(**{field: region_code}) | Q(**{f"{field}__startswith": region_code + "."})


def hidden_from_q(agency: Agency | None) -> Q:
    """Reports a member of `agency` must not see: about this agency or one above it, or about an unnamed
    unit of this agency's local kind in its area."""
    if agency is None:
        return Q(pk__in=[])
    hidden = Q(subject_unit_id__in=agency_chain(agency))
    kinds = [k for k, unit_kinds in LOCAL_UNIT_KINDS.items() if agency.kind in unit_kinds]
    if kinds and agency.region_id:
        local = Q(subject_kind__in=kinds, subject_unit__isnull=True)
        hidden |= local & _within_region("region__code", agency.region_id)
    return hidden


def is_hidden_from(report: Report, agency: Agency | None) -> bool:
    if agency is None:
        return False
    if report.subject_unit_id and report.subject_unit_id in agency_chain(agency):
        return True
    local = LOCAL_UNIT_KINDS.get(report.subject_kind, ())
    if agency.kind in local and not report.subject_unit_id and agency.region_id and report.region_id:
        return report.region_id == agency.region_id or report.region_id.startswith(agency.region_id + ".")
    return False


def agency_refused(report: Report, agency: Agency) -> str:
    """Why `agency` may not be assigned or referred this report ('' when it may)."""
    if is_hidden_from(report, agency):
        return _("%(a)s adalah satuan terlapor (atau di bawahnya): laporan netralitas harus ditangani di luar "
                 "satuan terlapor") % {"a": agency.name}
    return ""


@dataclass
class Route:
    path: str  # suggested legal path ('' when none follows from the subject)
    recipients: list[Agency] = field(default_factory=list)
    bawaslu: list[Agency] = field(default_factory=list)
    excluded: list[Agency] = field(default_factory=list)

    @property
    def protected(self) -> bool:
        return bool(self.excluded) or bool(self.path)


def excluded_units(report: Report) -> list[Agency]:
    if report.subject_kind not in PROTECTED_SUBJECTS and not report.subject_unit_id:
        return []
    if report.subject_unit_id:
        unit = Agency.objects.filter(pk=report.subject_unit_id).first()
        if unit is None:
            return []
        below = list(Agency.objects.filter(Q(parent=unit) | Q(parent__parent=unit)).order_by("name"))
        return [unit, *below]
    kinds = LOCAL_UNIT_KINDS.get(report.subject_kind, ())
    code = report.region_code
    if not kinds or not code:
        return []
    from praja.base.regions import ancestors_of

    return list(Agency.objects.filter(kind__in=kinds, region_id__in=[code, *ancestors_of(code)]).order_by("name"))


def route(report: Report) -> Route:
    """Where a report about a protected person goes: its path's recipient and Bawaslu, never its own unit."""
    path = SUBJECT_PATH.get(report.subject_kind, "")
    code = report.region_code
    excluded = excluded_units(report)
    excluded_ids = {a.pk for a in excluded}
    recipients = [a for a in legal.recipients(path, code) if a.pk not in excluded_ids] if path else []
    bawaslu: list[Agency] = []
    if path or excluded:
        from praja.base.regions import ancestors_of

        chain = [code, *reversed(ancestors_of(code))] if code else []
        found = list(Agency.objects.filter(kind=Agency.Kind.BAWASLU, region_id__in=chain)) if chain else []
        rank = {c: i for i, c in enumerate(chain)}
        bawaslu = sorted(found, key=lambda a: rank.get(a.region_id, 99))[:1]
    return Route(path=path, recipients=recipients, bawaslu=bawaslu, excluded=excluded)
