"""What intake looks up about places and agencies, answered from memory: the reference data every report is
checked against (does this TPS / region / agency exist, what is its name, which desa is called "Tulungrejo").

Voting day sends hundreds of reports a second and each used to ask the database the same few questions
(1-9 SELECTs a report, by channel) about rows that change a few times a year. Here each process remembers
the answers for ``TTL_S`` seconds:

- existence of a TPS, a region (at a level) or an agency: only a "yes" is remembered (an unknown code is asked
  again every time, so a TPS imported a second ago is accepted at once); a "yes" that has become false (a TPS
  deleted within the TTL) cannot store a wrong report: the foreign keys refuse the INSERT, and intake forgets
  what it remembered (``forget``);
- the desa and kecamatan names of the served regencies (the SMS/WhatsApp place finder): one query per process
  per TTL instead of up to six per message.

Bulk changes to regions send ``praja.territory.signals.regions_changed``; this process forgets at once, the
others within the TTL. Saves and deletes of Region, TPS and Agency in this process forget at once too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

TTL_S = 60.0

_lock = threading.Lock()
_yes: dict[tuple[str, str], float] = {}  # (kind, code) -> valid until (monotonic)
_values: dict[str, tuple[float, Any]] = {}  # name -> (valid until, value)


def forget(**_kwargs: Any) -> None:
    """Drop everything remembered (a signal receiver too; each test starts without it)."""
    with _lock:
        _yes.clear()
        _values.clear()
        _regency_loaded.clear()


def _remembered(kind: str, code: str) -> bool:
    until = _yes.get((kind, code))
    return until is not None and until > time.monotonic()


def _remember(kind: str, codes: Iterable[str]) -> None:
    until = time.monotonic() + TTL_S
    with _lock:
        if len(_yes) > 200_000:  # a country's TPS list: start again rather than grow without end
            _yes.clear()
        for code in codes:
            _yes[(kind, code)] = until


def _exists(kind: str, code: str, ask: Callable[[str], bool]) -> bool:
    if not code:
        return False
    if _remembered(kind, code):
        return True
    if ask(code):
        _remember(kind, [code])
        return True
    return False


_regency_loaded: dict[str, float] = {}  # regency code -> when its TPS list was last read whole (monotonic)
REGENCY_RELOAD_S = 5.0  # an unknown code asks for itself alone within this long of a whole read


def tps_exists(code: str) -> bool:
    """Whether the TPS exists. A code not remembered reads its regency's whole TPS list (a few thousand
    codes, one query) so that the next reports from that regency ask nothing; an unknown code within
    REGENCY_RELOAD_S of such a read asks for itself alone (a stream of wrong codes costs one small query
    each, not a regency's list each)."""
    from praja.territory.models import TPS

    def ask(c: str) -> bool:
        regency = ".".join(c.split(".")[:2])
        if regency.count(".") != 1 or time.monotonic() - _regency_loaded.get(regency, -1e9) < REGENCY_RELOAD_S:
            return TPS.objects.filter(pk=c).exists()
        codes = list(TPS.objects.filter(pk__startswith=regency + ".").values_list("pk", flat=True))
        _regency_loaded[regency] = time.monotonic()
        _remember("tps", codes)
        return c in codes

    return _exists("tps", code, ask)


def region_exists(code: str, level: int | None = None) -> bool:
    from praja.territory.models import Region

    def ask(c: str) -> bool:
        qs = Region.objects.filter(pk=c)
        return (qs.filter(level=level) if level is not None else qs).exists()

    return _exists(f"region{level or ''}", code, ask)


def agency_exists(pk: int) -> bool:
    from praja.accounts.models import Agency

    return _exists("agency", str(pk), lambda c: Agency.objects.filter(pk=int(c)).exists())


def prime_tps(codes: Iterable[str]) -> None:
    """Look up many TPS codes in one query (a file import), remembering those that exist."""
    from praja.territory.models import TPS

    wanted = sorted({c for c in codes if c and not _remembered("tps", c)})
    for i in range(0, len(wanted), 2000):
        _remember("tps", TPS.objects.filter(pk__in=wanted[i : i + 2000]).values_list("pk", flat=True))


def prime_regions(codes: Iterable[str]) -> None:
    from praja.territory.models import Region

    wanted = sorted({c for c in codes if c and not _remembered("region", c)})
    for i in range(0, len(wanted), 2000):
        _remember("region", Region.objects.filter(pk__in=wanted[i : i + 2000]).values_list("pk", flat=True))


def value(name: str, load: Callable[[], Any]) -> Any:
    """``load()``'s answer, remembered under ``name`` for TTL_S seconds."""
    now = time.monotonic()
    known = _values.get(name)
    if known is not None and known[0] > now:
        return known[1]
    answer = load()
    with _lock:
        _values[name] = (now + TTL_S, answer)
    return answer


def agency_name(pk: int | None) -> str:
    if not pk:
        return ""
    from praja.accounts.models import Agency

    return str(value(f"agency-name:{pk}", lambda: Agency.objects.filter(pk=pk).values_list("name", flat=True)
                     .first() or ""))


def connect() -> None:
    """Forget on this process's own saves and deletes of places and agencies, and on bulk region changes
    (apps.py ready())."""
    from django.db.models.signals import post_delete, post_save

    from praja.accounts.models import Agency
    from praja.territory.models import TPS, Region
    from praja.territory.signals import regions_changed

    for model in (Region, TPS, Agency):
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"reports-known-save-{model.__name__}")
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"reports-known-del-{model.__name__}")
    regions_changed.connect(forget, weak=False, dispatch_uid="reports-known-regions")
