"""Which drill (if any) the current request views, and which drill the engine writes for.

Real figures never include drill data: ``reports_q()`` is applied where reports are made visible
(praja/reports/visibility.py, the one function every page, figure and export uses), so every count excludes
drill reports, unless the person has chosen to view a drill (the drill page; the session remembers it): then
they see that drill's reports only, under the LATIHAN banner."""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Q

SESSION_KEY = "praja_drill"
_viewing: contextvars.ContextVar[int | None] = contextvars.ContextVar("praja_drill_viewing", default=None)
_writing: contextvars.ContextVar[int | None] = contextvars.ContextVar("praja_drill_writing", default=None)


def viewing() -> int | None:
    return _viewing.get()


@contextlib.contextmanager
def view(drill_id: int | None) -> Iterator[None]:
    token = _viewing.set(drill_id)
    try:
        yield
    finally:
        _viewing.reset(token)


@contextlib.contextmanager
def writing(drill_id: int) -> Iterator[None]:
    """Everything saved inside is tagged with the drill (see tag_report)."""
    token = _writing.set(drill_id)
    try:
        yield
    finally:
        _writing.reset(token)


def reports_q(prefix: str = "") -> Q:
    """Real reports only, or the viewed drill's reports only."""
    drill = _viewing.get()
    if drill is None:
        return Q(**{f"{prefix}drill__isnull": True})
    return Q(**{f"{prefix}drill_id": drill})


def tagged_q(prefix: str = "") -> Q:
    """For the rows a drill writes besides reports (infowatch items and narratives): real rows only, or the rows
    of the drill being viewed, or, while the drill engine writes, of that drill (so the engine's own pipeline,
    the narrative grouping included, works on its drill's rows and never touches real ones)."""
    drill = _viewing.get() or _writing.get()
    if drill is None:
        return Q(**{f"{prefix}drill__isnull": True})
    return Q(**{f"{prefix}drill_id": drill})


def _viewed_drill() -> Any:
    drill = _viewing.get()
    if drill is None:
        return None
    from django.apps import apps

    return apps.get_model("ops", "Drill").objects.filter(pk=drill).first()


def viewed_clock() -> datetime.datetime | None:
    """While a drill is viewed: the drill's clock (its day and hour), the 'now' of every situation page."""
    d = _viewed_drill()
    return d.clock() if d is not None else None


def viewed_plan(regency: str) -> Any:
    """While a drill of `regency` is viewed: the plan it plays (its posts report in); else None."""
    d = _viewed_drill()
    if d is None or d.plan_id is None or not regency.startswith(d.regency):
        return None
    return d.plan


def manned_overrides() -> dict[int, tuple[datetime.datetime, int]] | None:
    """While a drill is viewed: {post id: (reported manned at, people there)} from the drill, which stand in
    for the real posts' reports (a drill never touches them); None when no drill is viewed."""
    drill = _viewing.get()
    if drill is None:
        return None
    from django.apps import apps

    rows = apps.get_model("ops", "DrillPost").objects.filter(drill_id=drill).values_list("post_id", "manned_at",
                                                                                          "people")
    return {pk: (at, people) for pk, at, people in rows}


def stamp() -> str:
    """What changes the cached situation of the viewed drill: '' when none is viewed."""
    drill = _viewing.get()
    if drill is None:
        return ""
    from django.apps import apps
    from django.db.models import Count, Max

    got = apps.get_model("ops", "DrillPost").objects.filter(drill_id=drill).aggregate(n=Count("pk"), m=Max("pk"))
    return f"drill{drill}:{got['n']}:{got['m']}"


def tag_report(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of Report (and of the infowatch items and narratives): a row written while the drill engine runs
    belongs to the drill."""
    drill = _writing.get()
    if drill is not None and getattr(instance, "drill_id", None) is None:
        instance.drill_id = drill


class DrillMiddleware:
    """Reads the drill the person chose to view from the session, for the length of the request."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        session = getattr(request, "session", None)
        drill_id = session.get(SESSION_KEY) if session is not None else None
        request.drill_id = drill_id if isinstance(drill_id, int) else None
        with view(request.drill_id):
            return self.get_response(request)
