"""Hand edits of a stored plan and the core's check() on the edited plan.

- `move_tps(plan, row, target)`, `edit_post(plan, post, police, tni, linmas)`: hand edits (the plan must then be
  re-checked).
- `core_inputs(plan)`, `core_plan(plan)`: the stored plan as the core sees it.
- `recheck(plan)`: check() on the plan as it now stands; `violation_text(message)`: its messages in the interface
  language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from praja.deployment import tasks
from praja.deployment.models import Plan, PlanTPS, Post
from praja.deployment.plan_jobs import FALLBACK_CLASS
from praja.deployment.solver import CLASSES, TPS, Settings, check
from praja.deployment.solver import Pattern as CorePattern
from praja.deployment.solver import Plan as CorePlan
from praja.deployment.solver import Pool as CorePool
from praja.deployment.solver import Post as CorePost
from praja.deployment.solver_plan import STRICTNESS


def _post_class(classes: Iterable[str]) -> str:
    present = set(classes)
    return next((c for c in STRICTNESS if c in present), FALLBACK_CLASS)


def _refresh_post(post: Post) -> None:
    classes = list(post.tps_rows.values_list("cls", flat=True))
    post.tps_count = len(classes)
    post.cls = _post_class(classes)


@transaction.atomic
def move_tps(plan: Plan, row: PlanTPS, target: Post) -> Post | None:
    """Move one TPS to another post of the plan; the post it leaves is removed when empty (returned
    otherwise). Both posts are marked edited by hand; the plan must be re-checked."""
    if target.plan_id != plan.pk or row.plan_id != plan.pk:
        raise ValueError("post and TPS of another plan")
    source = row.post
    if source is not None and source.pk == target.pk:
        return source
    row.post = target
    row.save(update_fields=["post"])
    _refresh_post(target)
    target.edited_by_hand = True
    target.save()
    left: Post | None = None
    if source is not None:
        _refresh_post(source)
        if source.tps_count == 0:
            source.delete()
        else:
            source.edited_by_hand = True
            source.save()
            left = source
    _after_edit(plan)
    return left


@transaction.atomic
def edit_post(plan: Plan, post: Post, police: int, tni: int, linmas: int) -> None:
    if (post.police, post.tni, post.linmas) == (police, tni, linmas):
        return
    post.police, post.tni, post.linmas = police, tni, linmas
    post.edited_by_hand = True
    post.save()
    _after_edit(plan)


def _after_edit(plan: Plan) -> None:
    plan.hand_edited = True
    plan.violations = None
    plan.checked_at = None
    _retotal(plan)
    plan.save()


def _retotal(plan: Plan) -> None:
    """The plan's totals from its posts after hand edits (the lower bound depends on the input only)."""
    agg = Post.objects.filter(plan=plan).aggregate(
        officers=Sum("police"), soldiers=Sum("tni"), linmas=Sum("linmas"), n=Max("number")
    )
    plan.officers = agg["officers"] or 0
    plan.soldiers = agg["soldiers"] or 0
    plan.linmas = agg["linmas"] or 0
    plan.posts_count = Post.objects.filter(plan=plan).count()
    uncovered = dict.fromkeys(CLASSES, 0)
    for cls, covered in PlanTPS.objects.filter(plan=plan).values_list("cls", "post__covered"):
        if not covered:
            uncovered[cls] += 1
    plan.uncovered_by_class = uncovered


def core_inputs(plan: Plan) -> tuple[list[TPS], CorePattern, Settings, list[CorePool]]:
    rows = PlanTPS.objects.filter(plan=plan).order_by("code")
    tps = [TPS(r.code, r.desa_code, r.kecamatan_code, r.cls, r.voters, r.lat, r.lng) for r in rows]
    return (tps, CorePattern.from_dict(plan.pattern_snapshot), tasks.settings_from_dict(plan.settings_snapshot),
            [tasks.pool_from_dict(d) for d in plan.pools_snapshot])


def core_plan(plan: Plan) -> CorePlan:
    """The stored plan (with its hand edits) as the core's Plan, for check()."""
    members: dict[int, list[str]] = {}
    for post_id, code in PlanTPS.objects.filter(plan=plan, post__isnull=False).values_list("post_id", "code"):
        members.setdefault(post_id, []).append(code)
    posts = [
        CorePost(id=p.code, lat=p.lat, lng=p.lng, tps=tuple(sorted(members.get(p.pk, []))), cls=p.cls,
                 police=p.police, tni=p.tni, linmas=p.linmas, area_code=p.area_code, kecamatan_code=p.kecamatan_code,
                 pool=p.pool or None, km=p.km, tni_pool=p.tni_pool or None, tni_km=p.tni_km)
        for p in Post.objects.filter(plan=plan).order_by("number")
    ]
    return CorePlan(
        posts=posts, tps=plan.tps_count, officers=plan.officers, officers_lower_bound=plan.officers_lower_bound,
        bound_name=plan.bound_name, soldiers=plan.soldiers, linmas=plan.linmas, km_total=plan.km_total,
        km_max=plan.km_max, uncovered_by_class=dict(plan.uncovered_by_class), shortfall={},
        bko_needed=plan.bko_needed, bko_used=plan.bko_used, bko_cost=plan.bko_cost, reserve=plan.reserve,
        reserve_required=plan.reserve_required, seconds=plan.seconds,
    )


def recheck(plan: Plan) -> list[str]:
    """Run the core's check() on the plan as it now stands (hand edits included); store and return
    the violations ([] for a valid plan). Post ids in the messages become post numbers."""
    with transaction.atomic():
        _retotal(plan)
        # km totals from the posts (a post's km stays valid: its place does not move)
        legs = list(Post.objects.filter(plan=plan).exclude(pool="").values_list("km", flat=True)) + list(
            Post.objects.filter(plan=plan).exclude(tni_pool="").values_list("tni_km", flat=True)
        )
        plan.km_total = round(sum(legs), 3)
        plan.km_max = round(max(legs, default=0.0), 3)
        tps, pattern, settings, pools = core_inputs(plan)
        problems = check(core_plan(plan), tps, pattern, settings, pools)
        numbers = dict(Post.objects.filter(plan=plan).values_list("code", "number"))
        plan.violations = [_number_posts(p, numbers) for p in problems]
        plan.checked_at = timezone.now()
        plan.save()
    return list(plan.violations)


def _number_posts(message: str, numbers: dict[str, int]) -> str:
    if message.startswith("post "):
        code, sep, rest = message[5:].partition(": ")
        if sep and code in numbers:
            return f"Pos {numbers[code]} ({code}): {rest}"
    return message


_VIOLATIONS: list[tuple[str, str]] = [
    (r"^(?P<n>\d+) TPS, more than the cap (?P<cap>\d+) of its strictest class$",
     gettext_noop("%(n)s TPS, melebihi batas %(cap)s TPS kelas terketatnya")),
    (r"^(?P<n>\d+) police, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s Polri, pola mensyaratkan %(m)s")),
    (r"^(?P<n>\d+) TNI, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s TNI, pola mensyaratkan %(m)s")),
    (r"^(?P<n>\d+) Linmas, the pattern needs (?P<m>\d+)$", gettext_noop("%(n)s Linmas, pola mensyaratkan %(m)s")),
    (r"^TPS (?P<code>\S+) is (?P<d>[\d.]+) km away, beyond (?P<w>[\d.]+) km$",
     gettext_noop("TPS %(code)s berjarak %(d)s km dari pos, melebihi %(w)s km")),
    (r"^crosses (?P<area>desa|kecamatan) (?P<codes>.+)$", gettext_noop("melintasi %(area)s %(codes)s")),
    (r"^TPS (?P<code>\S+) is also in post (?P<other>\S+)$", gettext_noop("TPS %(code)s juga ada di pos %(other)s")),
    (r"^in no post$", gettext_noop("tidak dijaga pos mana pun")),
    (r"^has no TPS$", gettext_noop("tidak berisi TPS")),
    (r"^(?P<used>\d+) people sent, it can deploy (?P<n>\d+) \((?P<a>\d+) less the reserve share\)$",
     gettext_noop("%(used)s personel dikirim, satuan hanya dapat mengerahkan %(n)s (%(a)s dikurangi cadangan)")),
    (r"^(?P<n>\d+) officers, below the proven lower bound (?P<lb>\d+)$",
     gettext_noop("%(n)s Polri, di bawah batas bawah yang terbukti (%(lb)s)")),
]


def violation_text(message: str) -> str:
    """A check() message ("Pos 3 (...): 1 police, the pattern needs 2") in the interface language."""
    import re

    head, sep, rest = message.rpartition(": ")
    if not sep:
        return message
    where = {"plan": _("rencana")}.get(head, head)
    if where.startswith("pool "):
        where = _("satuan") + where[4:]
    for pattern, text in _VIOLATIONS:
        m = re.match(pattern, rest)
        if m:
            return f"{where}: {_(text) % m.groupdict()}"
    return f"{where}: {rest}"
