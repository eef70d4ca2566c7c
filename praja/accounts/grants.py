"""Giving a role that carries the custodian's capability (``reports.custodian``: approving a look at a
whistleblower's identity) takes two administrators (issue 14 item 8).

One administrator gives it (``grant``): the assignment is stored inactive, awaiting approval, and the audit log
records it. A second administrator, not the one who gave it and holding every capability of the role in that
region, approves it (``approve``): only then does it count. The custodians already in office are told on their home
page (``recent_for_custodians``: custodian roles given or awaiting in their area, the last 30 days) and, with
audit.view, in the audit log. Together with two custodians of two agencies for each identity
(praja/reports/identity.py), no single administrator can open an identity through accounts of his own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praja.accounts.models import Person, RoleAssignment
from praja.base.roles import REPORTS_CUSTODIAN, ROLES

NOTICE_DAYS = 30


class GrantError(ValueError):
    pass


def custodian_roles() -> list[str]:
    return [key for key, role in ROLES.items() if REPORTS_CUSTODIAN in role.capabilities]


def needs_second_administrator(role: str) -> bool:
    return role in ROLES and REPORTS_CUSTODIAN in ROLES[role].capabilities


def grant(person: Person, role: str, region: Any, granted_by: Any = None) -> RoleAssignment:
    pending = needs_second_administrator(role)
    return RoleAssignment.objects.create(
        person=person, role=role, region=region, granted_by=granted_by if getattr(granted_by, "pk", None) else None,
        active=not pending, awaiting_approval=pending,
    )


def approve(assignment: RoleAssignment, approver: Any) -> RoleAssignment:
    with transaction.atomic():
        a = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not a.awaiting_approval:
            raise GrantError(_("Peran ini tidak menunggu persetujuan."))
        if a.granted_by_id is not None and a.granted_by_id == getattr(approver, "pk", None):
            raise GrantError(_("Peran kustodian harus disetujui administrator kedua, bukan yang memberikannya."))
        if a.person.user_id == getattr(approver, "pk", None):
            raise GrantError(_("Anda tidak dapat menyetujui peran untuk diri sendiri."))
        a.awaiting_approval = False
        a.active = True
        a.approved_by = approver
        a.save()
    return a


def recent_for_custodians(scope: Any, now: datetime.datetime | None = None) -> list[RoleAssignment]:
    """Custodian roles given (awaiting or approved) in the last NOTICE_DAYS inside this area: what the custodians
    in office are shown."""
    now = now or timezone.now()
    qs = (RoleAssignment.objects.filter(role__in=custodian_roles(), granted_at__gte=now - datetime.timedelta(
        days=NOTICE_DAYS)).filter(scope.q("region__code") | _national(scope))
        .select_related("person", "person__agency", "granted_by", "approved_by").order_by("-granted_at"))
    return list(qs[:20])


def _national(scope: Any) -> Any:
    from django.db.models import Q

    return Q(region__isnull=True) if scope.national else Q(pk__in=[])
