"""Accounts API (/api/v1/accounts/): agencies, people, role assignments and the audit log, within scope.

Objects outside the caller's scope answer 404; a missing capability answers 403. Phone and staff numbers
are masked in lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from praja.accounts import visibility
from praja.accounts.forms import RoleAssignmentForm
from praja.accounts.models import Agency, Person, RoleAssignment
from praja.api_support import MAX_PAGE, BoundedPagination, Detail, FieldErrors, require
from praja.base.audit import audit_reading
from praja.base.masking import mask
from praja.base.models import AuditEntry
from praja.base.roles import MANAGE_ACCOUNTS, VIEW_AUDIT, VIEW_PEOPLE, VIEW_TERRITORY

router = Router(tags=["accounts"])

# --- schemas --------------------------------------------------------------------------------------


class AgencyOut(Schema):
    slug: str
    kind: str
    name: str
    region: str
    parent: str | None
    jurisdiction: str | None
    address: str
    phone: str

    @staticmethod
    def resolve_region(obj: Agency) -> str:
        return obj.region_id

    @staticmethod
    def resolve_parent(obj: Agency) -> str | None:
        return obj.parent.slug if obj.parent is not None else None

    @staticmethod
    def resolve_jurisdiction(obj: Agency) -> str | None:
        return obj.jurisdiction.slug if obj.jurisdiction is not None else None


class PersonListOut(Schema):
    id: int
    full_name: str
    rank: str
    agency: str
    region: str
    staff_number: str
    phone: str

    @staticmethod
    def resolve_agency(obj: Person) -> str:
        return obj.agency.slug

    @staticmethod
    def resolve_region(obj: Person) -> str:
        return obj.agency.region_id

    @staticmethod
    def resolve_staff_number(obj: Person) -> str:
        return mask(obj.staff_number)

    @staticmethod
    def resolve_phone(obj: Person) -> str:
        return mask(obj.phone)


class AssignmentOut(Schema):
    id: int
    person: int
    role: str
    region: str | None
    active: bool
    granted_at: datetime

    @staticmethod
    def resolve_person(obj: RoleAssignment) -> int:
        return obj.person_id

    @staticmethod
    def resolve_region(obj: RoleAssignment) -> str | None:
        return obj.region_id


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    rank: str
    agency: str
    region: str
    staff_number: str
    phone: str
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_username(obj: Person) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_agency(obj: Person) -> str:
        return obj.agency.slug

    @staticmethod
    def resolve_region(obj: Person) -> str:
        return obj.agency.region_id

    @staticmethod
    def resolve_assignments(obj: Person, context: dict[str, Any]) -> list[RoleAssignment]:
        return list(_assignments(context["request"]).filter(person=obj))


class AssignmentIn(Schema):
    person: int
    role: str
    region: str | None = None


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_label: str
    address: str
    channel: str
    action: str
    target_type: str
    target_id: str
    region_code: str
    report_ref: int | None
    sensitivity: str
    changes: dict[str, Any]


# --- agencies -------------------------------------------------------------------------------------


def _agencies(request: HttpRequest) -> QuerySet[Agency]:
    return visibility.agencies(Agency.objects.select_related("parent", "jurisdiction"), visibility.scope_of(request))


@router.get(
    "/agencies", response={200: list[AgencyOut], 403: Detail},
    summary="Agencies in scope and those covering it",
)
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_agencies(request: HttpRequest, kind: str = "", region: str = "") -> QuerySet[Agency]:
    require(request, VIEW_TERRITORY)
    qs = _agencies(request)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region_id=region)
    return qs


@router.get("/agencies/{slug}", response={200: AgencyOut, 403: Detail, 404: Detail})
def get_agency(request: HttpRequest, slug: str) -> Agency:
    require(request, VIEW_TERRITORY)
    return get_object_or_404(_agencies(request), slug=slug)


# --- people ---------------------------------------------------------------------------------------


def _people(request: HttpRequest) -> QuerySet[Person]:
    return visibility.people(Person.objects.select_related("agency", "user"), visibility.scope_of(request))


@router.get(
    "/people", response={200: list[PersonListOut], 403: Detail},
    summary="People in scope (phone and NRP masked)",
)
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_people(request: HttpRequest, agency: str = "", q: str = "") -> QuerySet[Person]:
    require(request, VIEW_PEOPLE)
    qs = _people(request)
    if agency:
        qs = qs.filter(agency__slug=agency)
    if q:
        qs = qs.filter(full_name__icontains=q)
    return qs


@router.get("/people/{int:person_id}", response={200: PersonOut, 403: Detail, 404: Detail})
def get_person(request: HttpRequest, person_id: int) -> Person:
    require(request, VIEW_PEOPLE)
    return get_object_or_404(_people(request), pk=person_id)


# --- role assignments -----------------------------------------------------------------------------


def _assignments(request: HttpRequest) -> QuerySet[RoleAssignment]:
    return visibility.role_assignments(RoleAssignment.objects.all(), visibility.scope_of(request))


@router.get("/assignments", response={200: list[AssignmentOut], 403: Detail})
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_assignments(request: HttpRequest, person: int | None = None, role: str = "") -> QuerySet[RoleAssignment]:
    require(request, VIEW_PEOPLE)
    qs = _assignments(request)
    if person is not None:
        qs = qs.filter(person_id=person)
    if role:
        qs = qs.filter(role=role)
    return qs


@router.get("/assignments/{int:assignment_id}", response={200: AssignmentOut, 403: Detail, 404: Detail})
def get_assignment(request: HttpRequest, assignment_id: int) -> RoleAssignment:
    require(request, VIEW_PEOPLE)
    return get_object_or_404(_assignments(request), pk=assignment_id)


@router.post(
    "/assignments",
    response={201: AssignmentOut, 400: FieldErrors, 403: Detail, 404: Detail},
    summary="Grant a role in a region inside the caller's scope (audited)",
)
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Any:
    require(request, MANAGE_ACCOUNTS)
    require(request, VIEW_PEOPLE)
    person = get_object_or_404(_people(request), pk=payload.person)
    form = RoleAssignmentForm(
        {"role": payload.role, "region": payload.region or ""},
        person=person,
        scope=visibility.scope_of(request),
        capabilities=request.capabilities,  # type: ignore[attr-defined]
    )
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return Status(400, {"detail": "invalid", "errors": errors})
    return Status(201, form.save(granted_by=request.user))


@router.delete("/assignments/{int:assignment_id}", response={204: None, 403: Detail, 404: Detail})
def delete_assignment(request: HttpRequest, assignment_id: int) -> Any:
    require(request, MANAGE_ACCOUNTS)
    require(request, VIEW_PEOPLE)
    a = get_object_or_404(_assignments(request), pk=assignment_id)
    if not visibility.can_grant_in(visibility.scope_of(request), a.region_id):
        raise HttpError(403, "the role is held outside your scope")
    a.delete()
    return Status(204, None)


# --- audit log ------------------------------------------------------------------------------------


def _audit(request: HttpRequest) -> QuerySet[AuditEntry]:
    return visibility.audit_entries(AuditEntry.objects.all(), visibility.scope_of(request), request)


@router.get("/audit", response={200: list[AuditOut], 403: Detail}, summary="Audit entries in scope, newest first")
@paginate(BoundedPagination, max_limit=MAX_PAGE)
def list_audit(
    request: HttpRequest, region: str = "", action: str = "", target_type: str = "", target_id: str = ""
) -> QuerySet[AuditEntry]:
    require(request, VIEW_AUDIT)
    qs = _audit(request).order_by("-seq")
    audit_reading(request, "list", {"region": region, "action": action, "target_type": target_type,
                                    "target_id": target_id})
    if region:
        qs = qs.filter(
            Q(region_code=region) | Q(region_code__startswith=region + ".") | Q(region_code__startswith=region + "/")
        )
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs


@router.get("/audit/{int:seq}", response={200: AuditOut, 403: Detail, 404: Detail})
def get_audit_entry(request: HttpRequest, seq: int) -> AuditEntry:
    require(request, VIEW_AUDIT)
    entry = get_object_or_404(_audit(request), seq=seq)
    audit_reading(request, "entry", {"seq": seq})
    return entry
