"""Who sees which meetings and commitments, and closing a commitment.

A meeting is visible to people whose scope covers its region (or encloses it is NOT enough: a Polsek of
another kecamatan does not see it), and to people whose agency attended it. A commitment is visible with
its meeting, and always to the people of its owner agency.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from praja.base.access import person_of
from praja.base.scope import Scope
from praja.coordination.models import (
    ActivityPhoto,
    ActivityReport,
    Commitment,
    Election,
    Line,
    Meeting,
    Operation,
    Stage,
)


class CommitmentError(ValueError):
    pass


def agency_id_of(user: Any) -> int | None:
    person = person_of(user)
    return person.agency_id if person is not None else None


def visible_meetings(scope: Scope, agency_id: int | None) -> QuerySet[Meeting]:
    q = scope.q("region__code")
    if agency_id is not None and not scope.national:
        q |= Q(attendances__agency_id=agency_id)
    ids = Meeting.objects.filter(q).values("pk")
    return Meeting.objects.filter(pk__in=ids).select_related("region")


def visible_commitments(scope: Scope, agency_id: int | None) -> QuerySet[Commitment]:
    q = Q(decision__meeting__in=visible_meetings(scope, agency_id).values("pk"))
    if agency_id is not None:
        q |= Q(owner_id=agency_id)
    return Commitment.objects.filter(q).select_related("owner", "decision", "decision__meeting", "closed_by")


def follow_ups(meeting: Meeting, visible: QuerySet[Commitment]) -> list[dict[str, Any]]:
    """What a rakor follows up: the commitments of earlier rakor in its region (or inside it) as they stood
    when it was held: each one still open then (with "overdue" when its due date had passed), and each one
    closed since the previous rakor of that area. `visible` limits them to what the viewer may see."""
    area = Q(decision__meeting__region_id=meeting.region_id) | Q(
        decision__meeting__region__code__startswith=f"{meeting.region_id}."
    )
    earlier = visible.filter(area, decision__meeting__held_at__lt=meeting.held_at)
    previous = (
        Meeting.objects.filter(held_at__lt=meeting.held_at)
        .filter(Q(region_id=meeting.region_id) | Q(region__code__startswith=f"{meeting.region_id}."))
        .order_by("-held_at")
        .first()
    )
    day = timezone.localtime(meeting.held_at).date()
    rows: list[dict[str, Any]] = []
    for c in earlier.order_by("due_date", "pk"):
        closed = c.closed_at if c.status == Commitment.Status.DONE else None
        closed_before = closed is not None and closed <= meeting.held_at
        if not closed_before:
            state = "overdue" if c.due_date < day else "open"
        elif previous is not None and closed is not None and closed > previous.held_at:
            state = "done"
        else:
            continue
        rows.append({"c": c, "state": state, "meeting": c.decision.meeting})
    return rows


def can_close(commitment: Commitment, user: Any, can_manage: bool) -> bool:
    return can_manage or (agency_id_of(user) is not None and agency_id_of(user) == commitment.owner_id)


def close_commitment(
    commitment: Commitment, user: Any, can_manage: bool, evidence: str, evidence_file: Any = None
) -> Commitment:
    """Mark the commitment done. Only its owner agency (or a coordinator) may, and only with evidence."""
    if not can_close(commitment, user, can_manage):
        raise PermissionError("not the owner agency")
    if commitment.status == Commitment.Status.DONE:
        raise CommitmentError(_("Komitmen ini sudah selesai."))
    if not (evidence or "").strip():
        raise CommitmentError(_("Bukti wajib diisi untuk menutup komitmen."))
    commitment.evidence = evidence.strip()
    if evidence_file:
        commitment.evidence_file = evidence_file
    commitment.status = Commitment.Status.DONE
    commitment.closed_by = user
    commitment.closed_at = timezone.now()
    commitment.save()
    return commitment


# --- the stage calendar ---------------------------------------------------------------------------

DEFAULT_STAGES = Path(__file__).resolve().parent / "data" / "pilkada_2024_stages.json"


class StageFileError(ValueError):
    """A stage calendar file that cannot be loaded; the message names the file, the stage and the field."""


def _stage_rows(path: Path) -> dict[str, Any]:
    """Read and check a stage calendar file whole before anything is written."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StageFileError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise StageFileError(f"{path}: expected an object with slug, name and stages")
    for key in ("slug", "name"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise StageFileError(f"{path}: field '{key}' is missing or empty")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise StageFileError(f"{path}: field 'stages' must be a non-empty list")
    rows = []
    for i, s in enumerate(stages, start=1):
        where = f"{path}: stage {i}"
        if not isinstance(s, dict):
            raise StageFileError(f"{where}: expected an object")
        if not isinstance(s.get("name"), str) or not s["name"].strip():
            raise StageFileError(f"{where}: field 'name' is missing or empty")
        where = f"{where} ({s['name']})"
        dates = {}
        for key in ("start", "end"):
            try:
                dates[key] = datetime.date.fromisoformat(str(s.get(key, "")))
            except ValueError:
                raise StageFileError(f"{where}: field '{key}' must be a date YYYY-MM-DD, got {s.get(key)!r}") from None
        if dates["end"] < dates["start"]:
            raise StageFileError(f"{where}: field 'end' ({dates['end']}) is before 'start' ({dates['start']})")
        checklist = s.get("checklist", [])
        if not isinstance(checklist, list) or not all(isinstance(x, str) for x in checklist):
            raise StageFileError(f"{where}: field 'checklist' must be a list of texts")
        if not isinstance(s.get("voting_day", False), bool):
            raise StageFileError(f"{where}: field 'voting_day' must be true or false")
        rows.append({"name": s["name"].strip(), **dates, "posture": str(s.get("posture", "")),
                     "checklist": list(checklist), "voting_day": bool(s.get("voting_day", False))})
    return {"slug": data["slug"].strip(), "name": data["name"].strip(), "stages": rows}


def load_election(path: Path = DEFAULT_STAGES) -> Election:
    """Create or replace an election and its stages from a JSON file (slug, name, stages[] of name, start,
    end, posture, checklist, voting_day). The whole file is checked first: a bad one raises StageFileError
    naming the stage and field, and nothing is written."""
    data = _stage_rows(path)
    with transaction.atomic():
        election, _created = Election.objects.update_or_create(slug=data["slug"], defaults={"name": data["name"]})
        election.stages.all().delete()
        for i, s in enumerate(data["stages"], start=1):
            Stage.objects.create(election=election, order=i, **s)
    return election


def voting_stage(election: Election) -> Stage | None:
    """The election's voting day: the stage marked voting_day, else (older files) one named 'Pemungutan ...'."""
    marked = election.stages.filter(voting_day=True).order_by("start").first()
    return marked or election.stages.filter(name__istartswith="pemungutan").order_by("start").first()


def current_stages(election: Election, day: datetime.date) -> list[Stage]:
    return [s for s in election.stages.all() if s.is_current(day)]


def starting_within(election: Election, day: datetime.date, days: int = 7) -> list[Stage]:
    """Stages that start after `day` and within `days` of it: what the operation must have ready this week."""
    return list(election.stages.filter(start__gt=day, start__lte=day + datetime.timedelta(days=days)))


# --- the operation --------------------------------------------------------------------------------


def visible_operations(scope: Scope) -> QuerySet[Operation]:
    """Operations whose region lies in the scope or encloses part of it."""
    return Operation.objects.filter(scope.q_reaching("region__code")).select_related("region")


def visible_reports(scope: Scope) -> QuerySet[ActivityReport]:
    return ActivityReport.objects.filter(scope.q("region__code")).select_related("line", "region", "reported_by")


def add_activity_photo(report: ActivityReport, uploaded: Any) -> ActivityPhoto:
    """Store one checked photo of a daily activity report with its SHA-256."""
    import hashlib

    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return ActivityPhoto.objects.create(report=report, file=uploaded, sha256=digest.hexdigest())


def load_demo_operation(regency: str) -> Operation:
    """Operasi Mantap Praja Semeru 2024 (19 Aug - 31 Dec 2024) for the regency, with its five lines."""
    op, _created = Operation.objects.get_or_create(
        name="Operasi Mantap Praja Semeru 2024", region_id=regency,
        defaults={"start": datetime.date(2024, 8, 19), "end": datetime.date(2024, 12, 31)},
    )
    for kind in Line.Kind:
        Line.objects.get_or_create(operation=op, kind=kind.value)
    return op


# The demo operation's task forces: line -> (task force, [(demo username, position)]). Names are the usual
# police names for these task forces; the people are the fictional demo accounts.
DEMO_TASK_FORCES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "preemptive": ("Satgas Preemtif (Sat Binmas)", [("polsek.donomulyo", "Bhabinkamtibmas Donomulyo")]),
    "preventive": ("Satgas Preventif (Sat Samapta)", [("ops.polres", "Kasatgas")]),
    "enforcement": ("Satgas Gakkum (Sat Reskrim, Sentra Gakkumdu)", []),
    "public_relations": ("Satgas Humas", [("humas", "Kasatgas")]),
    "support": ("Satgas Banops (Bag Ops, Bag Log)", []),
}


def load_demo_task_forces(op: Operation) -> int:
    """Name the demo operation's task forces (where unnamed) and put the demo accounts in them; returns the
    number of members added. Safe to run again."""
    from praja.accounts.models import Person
    from praja.coordination.models import LineMember

    added = 0
    for line in op.lines.all():
        name, people = DEMO_TASK_FORCES.get(line.kind, ("", []))
        if not line.task_force and name:
            line.task_force = name
            line.save(update_fields=["task_force"])
        for username, position in people:
            person = Person.objects.filter(user__username=username).first()
            if person is not None:
                _m, created = LineMember.objects.get_or_create(line=line, person=person,
                                                               defaults={"position": position})
                added += int(created)
    return added


def load_demo(regency: str) -> None:
    """The demo's coordination data: the Pilkada 2024 stage calendar and the operation."""
    load_election()
    load_demo_operation(regency)
