"""The risk app's service functions: the only way other apps (and the pages) change vulnerability data.

- `ensure_catalogue()`: the national indicators from `praja.risk.catalogue` as rows (idempotent).
- `config_for(regency)`: the core's Config for a regency (catalogue + the district's own indicators
  + its overrides).
- `recompute(region_code)`: score every TPS of a region with `praja.risk.index.score_many` and store
  the scores with their explanations; one audit entry lists the class changes.
- `record_incident(place, on, severity, ref)`, `withdraw_incident(ref)`, `incident_history_changed(codes)`:
  what the reports app calls; the history indicators of the affected TPS are recomputed, so the index
  moves when reports come in. History fades with time: recompute daily (`praja risk recompute 35.07`).
  `record_incident(..., defer=True)` stores the incident and notes its desa (`PendingIncidentScore`) in the
  caller's transaction; `score_pending()` (the job `risk.score_pending`) scores every noted desa at once.
- `rollup(scope, level)`: counts per class and share of rawan + sangat rawan per kecamatan or desa.
- `tps_classes(region_code)`: {TPS code: class} for other apps (the deployment plan).
- `load_demo_values(regency)`: the demo district's generated values (Bawaslu's Malang 2024 figures).

Bulk writes fire no model signals: each bulk operation writes one `audit.record` summary instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from praja.base import audit
from praja.base.regions import is_region_code, level_of, parse_tps_code
from praja.base.scope import Scope
from praja.risk import catalogue as cat
from praja.risk import index as ix
from praja.risk.models import (
    IncidentSignal,
    Indicator,
    IndicatorValue,
    Klass,
    PendingIncidentScore,
    RiskConfig,
    TPSScore,
)
from praja.territory.models import TPS, Region

Progress = Callable[[str, int, int], None]
_CHUNK = 900  # stays under SQLite's bound on query parameters
RAWAN_CLASSES = (Klass.RAWAN.value, Klass.SANGAT_RAWAN.value)


def _actor(command: str) -> audit.Actor:
    return audit.current_actor() or audit.system_actor(command)


def _chunks(items: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in sorted(set(items)):
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_delete(qs: QuerySet[Any]) -> int:
    """Delete rows without per-row signals (the audit signals would log each row): the caller
    writes one audit summary instead. Only for models nothing else points at."""
    return int(qs._raw_delete(qs.db))  # noqa: SLF001 - Django's fast delete, no cascade needed here


def insert_rows(
    model: Any,
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    upsert_on: str | None = None,
    batch: int = 2000,
) -> int:
    """INSERT rows (tuples in `fields` order) with one prepared statement run many times; with `upsert_on`
    (a unique column) an existing row is updated instead (ON CONFLICT, SQLite and PostgreSQL alike).

    Fires no signals, like bulk_create, but skips the per-value compilation that makes bulk_create
    take seconds for the demo's 32,000 values. The caller writes one audit summary."""
    from functools import lru_cache

    from django.db import connections, router

    conn = connections[router.db_for_write(model)]
    meta = model._meta
    qn = conn.ops.quote_name
    cols = [meta.get_field(f) for f in fields]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c.column) for c in cols)}) "
        f"VALUES ({', '.join(['%s'] * len(cols))})"
    )
    if upsert_on:
        key = meta.get_field(upsert_on).column
        sets = ", ".join(f"{qn(c.column)} = excluded.{qn(c.column)}" for c in cols if c.column != key)
        sql += f" ON CONFLICT ({qn(key)}) DO UPDATE SET {sets}"

    def preparer(field: Any) -> Callable[[Any], Any]:
        def prepare(value: Any) -> Any:
            return field.get_db_prep_save(value, conn)

        internal = field.get_internal_type()
        if internal in ("DateField", "DateTimeField"):
            return lru_cache(maxsize=256)(prepare)  # a few distinct dates, many rows
        if internal == "JSONField":
            return prepare
        return lambda value: value

    prep = [preparer(c) for c in cols]
    n = 0
    with conn.cursor() as cursor:
        chunk: list[list[Any]] = []
        for row in rows:
            chunk.append([p(v) for p, v in zip(prep, row, strict=True)])
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            n += len(chunk)
    return n


# IndicatorValue columns in the order `insert_rows` takes them.
VALUE_FIELDS = (
    "tps",
    "indicator",
    "value",
    "source_agency",
    "observed_on",
    "evidence",
    "kind",
    "source",
    "created_by",
    "created_at",
)


def regency_of(code: str) -> str:
    """'35.07.01.2001/003' -> '35.07'; '' for a province or the country."""
    head = code.split("/", 1)[0]
    parts = head.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else ""


def _within(field: str, code: str) -> Q:
    """Rows whose `field` is `code` or lies inside it (a TPS code inside a desa, ...)."""
    return (
        Q(**{field: code})
        | Q(**{f"{field}__startswith": code + "."})
        | Q(**{f"{field}__startswith": code + "/"})
    )


# --- the catalogue -------------------------------------------------------------------------------


def catalogue_rows() -> list[dict[str, Any]]:
    """The national indicators as Indicator field values, in catalogue order."""
    return [
        {
            "key": i.key,
            "variable": i.variable,
            "label_id": i.label_id,
            "label_en": i.label_en,
            "value_type": i.value_type.value,
            "cap": float(i.cap),
            "default_weight": float(i.weight),
            "source_agency": i.agency,
            "khusus": i.khusus,
            "origin": i.origin.value,
            "basis": i.basis,
            "position": n * 10,
        }
        for n, i in enumerate(cat.INDICATORS, start=1)
    ]


def seed_catalogue(model: Any, first_ids: bool = False) -> tuple[int, int]:
    """Create or update the national rows of `model` (the Indicator model, or its historical version in
    a migration) from the catalogue. Returns (created, updated).

    `first_ids`: when the table is empty (after `flush`), the rows get the primary keys migration 0002 gave
    them on a new database (1..N in catalogue order), not the next free ones, so that a database emptied
    and restored holds the same catalogue rows as a new one (the test suite's copied worlds point to them)."""
    existing = {i.key: i for i in model.objects.filter(region__isnull=True)}
    create, update = [], []
    rows = catalogue_rows()
    for row in rows:
        obj = existing.get(row["key"])
        if obj is None:
            create.append(model(region=None, **row))
        elif any(getattr(obj, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(obj, k, v)
            update.append(obj)
    renumber = first_ids and len(create) == len(rows) and not model.objects.exists()
    if renumber:
        for number, obj in enumerate(create, start=1):
            obj.pk = number
    model.objects.bulk_create(create)
    if renumber:
        _sequence_past_ids(model)
    if update:
        model.objects.bulk_update(update, [k for k in rows[0] if k != "key"])
    return len(create), len(update)


def _sequence_past_ids(model: Any) -> None:
    """After rows written with explicit primary keys: the table's id sequence (PostgreSQL) continues after them."""
    from django.core.management.color import no_style
    from django.db import connections

    connection = connections[model.objects.db]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def catalogue_complete(model: Any = Indicator) -> bool:
    """Whether every national indicator of the catalogue has its row (one count query)."""
    return bool(model.objects.filter(region__isnull=True).count() == len(cat.INDICATORS))


def ensure_catalogue(force: bool = False) -> int:
    """Make the national indicator rows match the catalogue. Cheap when they do (one count query)."""
    if not force and catalogue_complete():
        return 0
    with transaction.atomic():
        created, updated = seed_catalogue(Indicator)
        if created or updated:
            audit.record(
                "seed",
                "risk.indicator",
                "katalog",
                "",
                {"created": created, "updated": updated, "indicators": len(cat.INDICATORS)},
                actor=_actor("risk catalogue"),
            )
    return created + updated


# --- settings ------------------------------------------------------------------------------------


def settings_for(regency: str) -> RiskConfig:
    """The regency's saved settings, or unsaved defaults."""
    return RiskConfig.objects.filter(region_id=regency).first() or RiskConfig(region_id=regency)


def indicators_for(regency: str) -> list[Indicator]:
    ensure_catalogue()
    return list(Indicator.objects.for_regency(regency).order_by("region_id", "position", "key"))


def build_config(indicators: Sequence[Indicator], rc: RiskConfig) -> ix.Config:
    """The core Config from indicator rows (national first, then the district's) and a district's settings."""
    national = tuple(i.as_core() for i in indicators if i.region_id is None)
    district = [i.as_core() for i in indicators if i.region_id is not None]
    known = {i.key for i in indicators}
    counts = {i.key for i in indicators if i.value_type == Indicator.ValueType.COUNT}
    weights = {k: float(v) for k, v in (rc.weights or {}).items() if k in known}
    caps = {k: float(v) for k, v in (rc.caps or {}).items() if k in counts}
    khusus = None if rc.khusus_keys is None else [k for k in rc.khusus_keys if k in known]
    combine: ix.Combine = "latest" if rc.combine == RiskConfig.Combine.LATEST else "max"
    return ix.Config(national).with_overrides(
        weights=weights, caps=caps, khusus=khusus, thresholds=rc.thresholds, extra=district, combine=combine
    )


def config_for(regency: str) -> ix.Config:
    return build_config(indicators_for(regency), settings_for(regency))


def history_rule(rc: RiskConfig) -> ix.HistoryRule:
    return ix.HistoryRule(window_days=rc.history_window_days, half_life_days=rc.history_half_life_days)


# --- explanations --------------------------------------------------------------------------------


def explanation_json(s: ix.TPSScore, cfg: ix.Config) -> dict[str, Any]:
    """A stored, self-contained explanation: every contribution with its evidence, the missing indicators."""
    th = cfg.thresholds
    contributions = []
    for c in s.contributions:
        ind = cfg.indicators[cfg.column[c.indicator_key]]
        contributions.append(
            {
                "key": c.indicator_key,
                "label_id": c.label_id,
                "label_en": c.label_en,
                "variable": c.variable,
                "type": ind.value_type.value,
                "cap": ind.cap,
                "weight": c.weight,
                "value": c.value,
                "normalised": c.normalised,
                "points": c.points,
                "evidence": [
                    {
                        "value": float(e.value),
                        "source": e.source_agency,
                        "on": e.observed_on.isoformat(),
                        "note": e.evidence,
                    }
                    for e in c.evidence
                ],
            }
        )
    return {
        "v": 1,
        "score": s.score,
        "klass": s.klass.value,
        "score_klass": s.score_klass.value,
        "assessed_share": round(s.assessed_weight_share, 6),
        "khusus_by": list(s.khusus_by),
        "missing": list(s.missing),
        "total_weight": cfg.total_weight,
        "thresholds": [th.kurang_rawan, th.rawan, th.sangat_rawan],
        "combine": cfg.combine,
        "contributions": contributions,
    }


# --- recompute -----------------------------------------------------------------------------------


@dataclass
class RecomputeResult:
    region: str
    as_of: date
    tps: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (tps, class before, class after)
    seconds: float = 0.0

    def merge(self, other: RecomputeResult) -> None:
        self.tps += other.tps
        for k, v in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + v
        self.changed.extend(other.changed)
        self.seconds += other.seconds


def _regencies_under(code: str) -> list[str]:
    if code in ("", "ID"):
        qs = Region.objects.filter(level=Region.Level.KABUPATEN)
    else:
        qs = Region.objects.filter(level=Region.Level.KABUPATEN, code__startswith=code + ".")
    return list(qs.order_by("code").values_list("code", flat=True))


def recompute(
    region_code: str,
    *,
    tps_codes: Iterable[str] | None = None,
    as_of: date | None = None,
    reason: str = "",
    progress: Progress | None = None,
) -> RecomputeResult:
    """Score every TPS of a region (a regency, kecamatan, desa or TPS; a province or "ID": each of its
    regencies) and store the scores. With `tps_codes`, only those TPS of the region.

    History indicators are computed from the incidents as of `as_of` (default: today). Writes one audit
    entry per regency with the class counts and every class change.
    """
    as_of = as_of or timezone.localdate()
    regency = regency_of(region_code)
    total = RecomputeResult(region=region_code or "ID", as_of=as_of)
    for r in [regency] if regency else _regencies_under(region_code):
        total.merge(_recompute_regency(r, region_code if regency else r, tps_codes, as_of, reason, progress))
    return total


def _values_of(
    codes: list[str], within: str, full: bool, cfg: ix.Config
) -> dict[str, list[ix.IndicatorValue]]:
    out: dict[str, list[ix.IndicatorValue]] = {}
    known = cfg.column
    fields = ("tps_id", "indicator__key", "value", "source_agency", "observed_on", "evidence")
    batches: Iterable[QuerySet[Any]]
    if full:
        batches = [IndicatorValue.objects.filter(_within("tps__code", within))]
    else:
        batches = (IndicatorValue.objects.filter(tps__code__in=b) for b in _chunks(codes))
    for qs in batches:
        for code, key, value, agency, on, note in qs.values_list(*fields).iterator(chunk_size=5000):
            if key in known:
                out.setdefault(code, []).append(ix.IndicatorValue(key, value, agency, on, note))
    return out


def _incidents_near(
    codes: list[str], within: str, full: bool, as_of: date, rule: ix.HistoryRule
) -> list[ix.Incident]:
    qs = IncidentSignal.objects.filter(on__gte=as_of - timedelta(days=rule.window_days), on__lte=as_of)
    if full:
        place = _within("place_code", ".".join(within.split("/")[0].split(".")[:4]))
    else:
        place = Q()
        for d in sorted({ix.desa_of(c) for c in codes}):
            place |= Q(place_code=d) | Q(place_code__startswith=d + "/")
    return [i.as_core() for i in qs.filter(place)]


def _codes_to_score(within: str, tps_codes: Iterable[str] | None) -> list[str]:
    """The TPS codes within `within`, in code order; with `tps_codes`, only those."""
    codes = list(TPS.objects.filter(_within("code", within)).order_by("code").values_list("code", flat=True))
    if tps_codes is not None:
        wanted = set(tps_codes)
        codes = [c for c in codes if c in wanted]
    return codes


def _score_codes(
    codes: list[str], within: str, full: bool, as_of: date, cfg: ix.Config, rule: ix.HistoryRule
) -> ix.ScoreTable:
    """Score the TPS from their stored values and the history indicators of the incidents near them."""
    values = _values_of(codes, within, full, cfg)
    history = ix.history_values(_incidents_near(codes, within, full, as_of, rule), codes, as_of, rule)
    history = {c: [v for v in vals if v.indicator_key in cfg.column] for c, vals in history.items()}
    return ix.score_many(ix.merge_values(values, history), cfg, codes=codes)


def _classes_before(codes: list[str], within: str, full: bool) -> dict[str, str]:
    """{TPS code: stored class} before this recompute (TPS never scored are absent)."""
    before: dict[str, str] = {}
    if full:
        before.update(TPSScore.objects.filter(_within("tps__code", within)).values_list("tps_id", "klass"))
    else:
        for batch in _chunks(codes):
            before.update(TPSScore.objects.filter(tps__code__in=batch).values_list("tps_id", "klass"))
    return before


def _score_rows(
    codes: list[str], table: ix.ScoreTable, cfg: ix.Config, before: dict[str, str], result: RecomputeResult
) -> list[tuple[Any, ...]]:
    """The TPSScore rows to store (in `_SCORE_FIELDS` order); each class change is added to `result.changed`."""
    now = timezone.now()
    rows = []
    for code in codes:
        s = table.explain(code)
        rows.append(
            (
                code,
                s.score,
                s.klass.value,
                s.score_klass.value,
                round(s.assessed_weight_share, 6),
                now,
                explanation_json(s, cfg),
            )
        )
        old = before.get(code)
        if old is not None and old != s.klass.value:
            result.changed.append((code, old, s.klass.value))
    return rows


_SCORE_FIELDS = ("tps", "score", "klass", "score_klass", "assessed_share", "computed_at", "explanation")


def _store_scores(
    result: RecomputeResult,
    rows: list[tuple[Any, ...]],
    table: ix.ScoreTable,
    codes: list[str],
    before: dict[str, str],
    cfg: ix.Config,
    reason: str,
) -> None:
    """Upsert the score rows and write the one audit entry (class counts and changes), in one transaction."""
    within, as_of = result.region, result.as_of
    with transaction.atomic():
        insert_rows(TPSScore, _SCORE_FIELDS, rows, upsert_on="tps", batch=500)
        result.tps = len(codes)
        result.counts = {k.value: n for k, n in table.counts().items()}
        audit.record(
            "recompute",
            "risk.tpsscore",
            within,
            within,
            {
                "reason": reason,
                "as_of": as_of.isoformat(),
                "tps": len(codes),
                "new": sum(1 for c in codes if c not in before),
                "counts": result.counts,
                "thresholds": [
                    cfg.thresholds.kurang_rawan,
                    cfg.thresholds.rawan,
                    cfg.thresholds.sangat_rawan,
                ],
                "class_changes": len(result.changed),
                "changed": [f"{c}: {a} -> {b}" for c, a, b in result.changed[:500]],
            },
            actor=_actor("risk recompute"),
        )


def _recompute_regency(
    regency: str,
    within: str,
    tps_codes: Iterable[str] | None,
    as_of: date,
    reason: str,
    progress: Progress | None,
) -> RecomputeResult:
    t0 = time.perf_counter()
    result = RecomputeResult(region=within, as_of=as_of)
    rc = settings_for(regency)
    cfg = build_config(indicators_for(regency), rc)
    rule = history_rule(rc)
    codes = _codes_to_score(within, tps_codes)
    full = tps_codes is None
    if not codes:
        return result
    if progress is not None:
        progress("hitung", 0, len(codes))
    table = _score_codes(codes, within, full, as_of, cfg, rule)
    before = _classes_before(codes, within, full)
    rows = _score_rows(codes, table, cfg, before, result)
    _store_scores(result, rows, table, codes, before, cfg, reason)
    if progress is not None:
        progress("hitung", len(codes), len(codes))
    result.seconds = time.perf_counter() - t0
    return result


# --- incidents (called by the reports app) --------------------------------------------------------


def _check_place(place_code: str) -> str:
    code = (place_code or "").strip()
    if parse_tps_code(code) is None and not (is_region_code(code) and level_of(code) == 4):
        raise ValueError(
            f"incident place must be a TPS code (35.07.01.2001/003) or a desa code, not {code!r}"
        )
    return code


def record_incident(
    place_code: str, on: date, severity: float = 1.0, ref: str = "", *, as_of: date | None = None,
    defer: bool = False,
) -> IncidentSignal:
    """Store an incident at a TPS or in a desa (the same `ref` again updates it) and recompute the
    history indicators of the TPS of that desa. Returns the stored signal.

    `defer`: the recompute is left to `score_pending()` (the job `risk.score_pending`); the desa is noted in the
    same transaction as the incident, so it is scored even if the process dies before the job runs."""
    code = _check_place(place_code)
    if not (isinstance(severity, (int, float)) and math.isfinite(severity) and severity >= 0):
        raise ValueError(f"severity must be a number >= 0, not {severity!r}")
    ref = (ref or "").strip()[:64]
    with transaction.atomic(), audit.acting_as(_actor("risk incident")):
        places = [code]
        if ref:
            old = IncidentSignal.objects.filter(ref=ref).first()
            if old is not None and old.place_code != code:
                places.append(old.place_code)
            signal, _ = IncidentSignal.objects.update_or_create(
                ref=ref, defaults={"place_code": code, "on": on, "severity": float(severity)}
            )
        else:
            signal = IncidentSignal.objects.create(place_code=code, on=on, severity=float(severity))
        if defer:
            note_pending(places)
        else:
            incident_history_changed(places, as_of=as_of)
    return signal


NOTE_ATTEMPTS = 3


def note_pending(codes: Iterable[str]) -> None:
    """The desa of these TPS or desa wait for `score_pending()`. Two writers noting the same desa at once (two job
    workers, or a scoring run taking the note between one writer's look-up and its INSERT) make one INSERT fail on
    the primary key: the note is then tried again (in a savepoint), never lost."""
    for desa in sorted({ix.desa_of(c) for c in codes if c}):
        for attempt in range(NOTE_ATTEMPTS):
            try:
                with transaction.atomic():
                    PendingIncidentScore.objects.update_or_create(desa=desa)
                break
            except IntegrityError:
                if attempt == NOTE_ATTEMPTS - 1:
                    raise


def score_pending() -> int:
    """Score again the TPS of every desa noted by `record_incident(defer=True)`, one recompute per regency for
    all of them; the notes are taken (locked, so two workers never take the same) and removed in the same
    transaction. Returns how many desa were scored."""
    with transaction.atomic():
        desa = list(PendingIncidentScore.objects.select_for_update(skip_locked=True).values_list("desa", flat=True))
        if not desa:
            return 0
        PendingIncidentScore.objects.filter(desa__in=desa).delete()
        incident_history_changed(desa)
    return len(desa)


def withdraw_incident(ref: str, *, as_of: date | None = None) -> bool:
    """A report was withdrawn (or found false): forget its incident and recompute its desa.
    False when no incident has that reference."""
    with transaction.atomic(), audit.acting_as(_actor("risk incident")):
        signal = IncidentSignal.objects.filter(ref=(ref or "").strip()[:64]).exclude(ref="").first()
        if signal is None:
            return False
        signal.delete()
        incident_history_changed([signal.place_code], as_of=as_of)
    return True


def incident_history_changed(codes: Iterable[str], *, as_of: date | None = None) -> RecomputeResult:
    """The incidents at these TPS or desa changed (added, corrected, withdrawn): recompute every TPS of
    their desa (the desa indicator of the neighbours moves too)."""
    desa = sorted({ix.desa_of(c) for c in codes if c})
    as_of = as_of or timezone.localdate()
    total = RecomputeResult(region=",".join(desa)[:64], as_of=as_of)
    by_regency: dict[str, list[str]] = {}
    for batch in _chunks(desa):
        for code in TPS.objects.filter(desa_id__in=batch).values_list("code", flat=True):
            by_regency.setdefault(regency_of(code), []).append(code)
    with audit.acting_as(_actor("risk incident")):
        for regency, tps_codes in sorted(by_regency.items()):
            total.merge(
                recompute(regency, tps_codes=tps_codes, as_of=as_of, reason="riwayat insiden / incidents")
            )
    return total


# --- roll-ups ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollupRow:
    code: str
    name: str
    tps: int  # TPS in the region (in scope)
    scored: int
    counts: dict[str, int]
    mean_score: float | None
    max_score: float | None

    @property
    def rawan(self) -> int:
        return self.counts.get(Klass.RAWAN.value, 0) + self.counts.get(Klass.SANGAT_RAWAN.value, 0)

    @property
    def rawan_share(self) -> float:
        """(rawan + sangat rawan) / scored TPS, as the map shades it."""
        return self.rawan / self.scored if self.scored else 0.0

    @property
    def rawan_percent(self) -> float:
        return round(100 * self.rawan_share, 1)


ROLLUP_SORTS = {
    "share": lambda r: (-r.rawan_share, -r.rawan, r.code),
    "rawan": lambda r: (-r.rawan, -r.rawan_share, r.code),
    "score": lambda r: (-(r.mean_score or 0), r.code),
    "max": lambda r: (-(r.max_score or 0), r.code),
    "tps": lambda r: (-r.tps, r.code),
    "code": lambda r: r.code,
    "name": lambda r: (r.name, r.code),
}


def rollup(scope: Scope, level: int, parent: str = "", sort: str = "share") -> list[RollupRow]:
    """Per regency (level 2), kecamatan (3) or desa (4) inside the scope (and inside `parent` when given):
    TPS, scored TPS, counts per class, mean and max score; sorted by `sort` (ROLLUP_SORTS)."""
    tps_group = {2: "desa__parent__parent_id", 3: "desa__parent_id", 4: "desa_id"}[level]
    group = "tps__" + tps_group
    scores = TPSScore.objects.visible(scope)
    tps = TPS.objects.filter(scope.q("code"))
    if parent:
        scores = scores.filter(_within("tps__code", parent))
        tps = tps.filter(_within("code", parent))
    agg: dict[str, Any] = {k.value: Count("pk", filter=Q(klass=k.value)) for k in ix.KLASSES}
    rows = scores.values(group).annotate(n=Count("pk"), mean=Avg("score"), top=Max("score"), **agg)
    tps_counts = dict(tps.values(tps_group).annotate(n=Count("pk")).values_list(tps_group, "n"))
    by_code = {r[group]: r for r in rows}
    codes = sorted(set(by_code) | set(tps_counts))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    out = []
    for code in codes:
        r = by_code.get(code)
        out.append(
            RollupRow(
                code=code,
                name=names.get(code, ""),
                tps=tps_counts.get(code, 0),
                scored=r["n"] if r else 0,
                counts={k.value: (r[k.value] if r else 0) for k in ix.KLASSES},
                mean_score=round(r["mean"], 2) if r and r["mean"] is not None else None,
                max_score=r["top"] if r else None,
            )
        )
    out.sort(key=ROLLUP_SORTS.get(sort, ROLLUP_SORTS["share"]))
    return out


def tps_classes(region_code: str) -> dict[str, str]:
    """The stored class of every scored TPS of a region ({tps code: "aman" | ... | "khusus"}): what other
    apps (the deployment plan) read, instead of the risk models. TPS not scored yet are absent."""
    qs = (
        TPSScore.objects.all()
        if region_code in ("", "ID")
        else TPSScore.objects.filter(_within("tps__code", region_code))
    )
    return dict(qs.order_by("tps_id").values_list("tps_id", "klass"))


def class_counts(scores: QuerySet[TPSScore]) -> dict[str, int]:
    counts = dict(scores.order_by().values("klass").annotate(n=Count("pk")).values_list("klass", "n"))
    return {k.value: counts.get(k.value, 0) for k in ix.KLASSES}


# --- the demo district ---------------------------------------------------------------------------

DEMO_SOURCE = "demo: dibangkitkan dari angka Bawaslu Kab. Malang 2024 / generated from Bawaslu figures"


@dataclass
class DemoRiskResult:
    values: int
    scores: RecomputeResult


def load_demo_values(regency: str = "35.07", seed: int = 2024) -> DemoRiskResult:
    """Generated indicator values for every TPS of the regency (the core's `demo_values`: Bawaslu's
    Kabupaten Malang 2024 figures), marked generated, replacing earlier generated ones; then scores."""
    ensure_catalogue()
    with transaction.atomic(), audit.acting_as(_actor("risk demo")):
        codes = list(TPS.objects.filter(_within("code", regency)).values_list("code", flat=True))
        values = ix.demo_values(codes, seed)
        ids = dict(Indicator.objects.filter(region__isnull=True).values_list("key", "pk"))
        removed = bulk_delete(
            IndicatorValue.objects.filter(_within("tps__code", regency), kind=IndicatorValue.Kind.GENERATED)
        )
        now = timezone.now()
        kind = IndicatorValue.Kind.GENERATED.value
        n = insert_rows(
            IndicatorValue,
            VALUE_FIELDS,
            (
                (
                    code,
                    ids[v.indicator_key],
                    float(v.value),
                    v.source_agency,
                    v.observed_on,
                    v.evidence[:500],
                    kind,
                    DEMO_SOURCE,
                    None,
                    now,
                )
                for code, vals in values.items()
                for v in vals
            ),
        )
        audit.record(
            "demo_values",
            "risk.indicatorvalue",
            regency,
            regency,
            {"seed": seed, "tps": len(codes), "values": n, "replaced": removed},
        )
        scores = recompute(regency, reason="demo")
    return DemoRiskResult(values=n, scores=scores)
