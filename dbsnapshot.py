"""Build a world of rows once per test session, copy it into every later test's database.

Fixtures such as `demo_district` (4,042 TPS, 424 outlines, agencies, accounts, reports: seconds to build) used to
build their rows again in each test's transaction. `Snapshots.load(key, build)` runs `build()` in the first test
that asks for `key`, inside that test's transaction as before, and keeps in memory what it changed: every row of
every table that is new, changed or gone. Later tests get those rows by a bulk insert (no model code, no signals
but one `post_save(raw=True)` per table, as `loaddata` sends, so the caches that listen forget) and a deep copy of
what `build()` returned. The test's transaction still rolls everything back; a transactional test (live server)
gets the rows committed and flushed afterwards, as when it built them.

The copy is used only when it is the same as building again would give:

- the database must be as it was when the rows were built, in the tables `build()` wrote and those their rows
  point to (the same primary keys where there were rows, empty where there were none); otherwise (another
  fixture wrote first, a transactional test emptied the tables that migrations fill) `build()` runs, as before,
  and its rows are kept beside the others;
- the clock: the stamps `build()` wrote (the `DateTimeField` values between its start and its end: creation
  times, audit entries) are moved by the time since, so they read "just now" again, in the copy's rows and in the
  model instances of the returned value; when the clock is more than `MAX_AGE` away (a test travelling in time),
  `build()` runs and its rows are kept beside the others.

Nothing here is Praja-specific; it reads the models from Django's registry.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import Any

MAX_AGE = datetime.timedelta(minutes=15)  # stamps relative to "now" (reports hours ago) may age this much
KEEP = 3  # copies kept per key (e.g. one at the real time, one at a time a test travels to)


def _why(lines: list[str]) -> None:
    """PRAJA_SNAPSHOT_DEBUG=1: say why a copy could not be used."""
    import os
    import sys

    if os.environ.get("PRAJA_SNAPSHOT_DEBUG") == "1":
        print("dbsnapshot: building again: " + "; ".join(lines[:5]), file=sys.stderr)


def _models() -> list[Any]:
    from django.apps import apps

    return [
        m for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _columns(model: Any) -> list[str]:
    return [f.attname for f in model._meta.local_concrete_fields]


def _rows(model: Any, alias: str) -> dict[Any, tuple[Any, ...]]:
    cols = _columns(model)
    i = cols.index(model._meta.pk.attname)
    return {row[i]: row for row in model._base_manager.using(alias).order_by("pk").values_list(*cols)}


def _counts(models: list[Any], alias: str) -> list[int]:
    """Rows in each table, in one query."""
    from django.db import connections

    conn = connections[alias]
    qn = conn.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(m._meta.db_table)})" for m in models)
    with conn.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return [int(n) for n in row]


@dataclass
class _Table:
    model: Any
    columns: list[str]
    inserted: list[tuple[Any, ...]] = field(default_factory=list)
    updated: list[tuple[Any, ...]] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)
    stamps: list[int] = field(default_factory=list)  # indexes of the aware DateTimeField columns
    prepared: list[tuple[Any, ...]] = field(default_factory=list)  # `inserted` as the database driver takes it
    moved: list[tuple[int, int]] = field(default_factory=list)  # (row, column) of `inserted` stamps to move

    def prepare(self, conn: Any, c: _Copy) -> None:
        fields = self.model._meta.local_concrete_fields
        self.prepared = [tuple(f.get_db_prep_save(v, conn) for f, v in zip(fields, row, strict=True))
                         for row in self.inserted]
        self.moved = [(r, i) for r, row in enumerate(self.inserted) for i in self.stamps
                      if _shift(row[i], c, datetime.timedelta(seconds=1)) is not row[i]]

    def insert_rows(self, conn: Any, delta: datetime.timedelta) -> list[tuple[Any, ...]]:
        if not delta or not self.moved:
            return self.prepared
        adapt = conn.ops.adapt_datetimefield_value  # what DateTimeField.get_db_prep_value ends with
        done: dict[datetime.datetime, Any] = {}
        rows = list(self.prepared)
        changed: dict[int, list[Any]] = {}
        for r, i in self.moved:
            value = self.inserted[r][i]
            if value not in done:
                done[value] = adapt(value + delta)
            row = changed.get(r)
            if row is None:
                row = changed[r] = list(rows[r])
            row[i] = done[value]
        for r, row in changed.items():
            rows[r] = tuple(row)
        return rows


@dataclass
class _Copy:
    base_counts: list[int]  # rows per table (in `_models()` order) before build()
    base_keys: dict[str, frozenset[Any]]  # primary keys of the tables that had rows before build()
    relevant: set[str]  # the tables build() wrote and those they point to: these must be as they were
    tables: list[_Table]
    result: Any
    started: datetime.datetime
    ended: datetime.datetime


@dataclass
class Snapshots:
    copies: dict[str, list[_Copy]] = field(default_factory=dict)
    built: dict[str, int] = field(default_factory=dict)
    copied: dict[str, int] = field(default_factory=dict)

    def load(self, key: str, build: Any, alias: str) -> Any:
        from django.utils import timezone

        models = _models()
        counts = _counts(models, alias)
        now = timezone.now()
        for c in sorted(self.copies.get(key, []), key=lambda c: abs(now - c.started)):
            if abs(now - c.started) <= MAX_AGE and self._same_base(c, models, counts, alias):
                self.copied[key] = self.copied.get(key, 0) + 1
                return _apply(c, alias, now - c.started)
        made, result = self._build(build, models, counts, alias)
        self.built[key] = self.built.get(key, 0) + 1
        kept = self.copies.setdefault(key, [])
        kept.append(made)
        del kept[:-KEEP]
        return result

    def summary(self) -> str:
        return ", ".join(f"{k}: built {self.built.get(k, 0)}, copied {self.copied.get(k, 0)}"
                         for k in sorted(set(self.built) | set(self.copied)))

    @staticmethod
    def _same_base(c: _Copy, models: list[Any], counts: list[int], alias: str) -> bool:
        differ = [f"{m._meta.label} {a} rows, built on {b}"
                  for m, a, b in zip(models, counts, c.base_counts, strict=True)
                  if a != b and m._meta.label in c.relevant]
        if differ:
            _why(differ)
            return False
        for model in models:
            if model._meta.label not in c.relevant:
                continue
            keys = c.base_keys.get(model._meta.label)
            if keys is not None and frozenset(
                model._base_manager.using(alias).values_list("pk", flat=True)
            ) != keys:
                _why([f"{model._meta.label}: other primary keys"])
                return False
        return True

    @staticmethod
    def _build(build: Any, models: list[Any], counts: list[int], alias: str) -> tuple[_Copy, Any]:
        from django.db import connections
        from django.db import models as m
        from django.utils import timezone

        before = {model._meta.label: _rows(model, alias) for model, n in zip(models, counts, strict=True) if n}
        started = timezone.now()
        result = build()
        ended = timezone.now()
        tables = []
        for model in models:
            old = before.get(model._meta.label, {})
            new = _rows(model, alias)
            if not old and not new:
                continue
            t = _Table(model, _columns(model))
            t.inserted = [row for pk, row in new.items() if pk not in old]
            t.updated = [row for pk, row in new.items() if pk in old and old[pk] != row]
            t.deleted = [pk for pk in old if pk not in new]
            if t.inserted or t.updated or t.deleted:
                fields = model._meta.local_concrete_fields
                t.stamps = [i for i, f in enumerate(fields) if isinstance(f, m.DateTimeField)]
                tables.append(t)
        keys = {label: frozenset(rows) for label, rows in before.items()}
        relevant = {t.model._meta.label for t in tables} | {
            f.related_model._meta.label for t in tables for f in t.model._meta.local_concrete_fields
            if f.is_relation and f.related_model is not None
        }
        # later callers get a copy of what build() returned, as it was before this test changes it
        made = _Copy(counts, keys, relevant, tables, copy.deepcopy(result), started, ended)
        conn = connections[alias]
        for t in tables:
            t.prepare(conn, made)
        return made, result


def _shift(value: Any, c: _Copy, delta: datetime.timedelta) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None and c.started <= value <= c.ended:
        return value + delta
    return value


def _shift_row(row: tuple[Any, ...], t: _Table, c: _Copy, delta: datetime.timedelta) -> tuple[Any, ...]:
    if not t.stamps or not delta:
        return row
    out = list(row)
    for i in t.stamps:
        out[i] = _shift(out[i], c, delta)
    return tuple(out)


def _shift_instances(obj: Any, c: _Copy, delta: datetime.timedelta, seen: set[int]) -> None:
    """Move the stamps of the model instances inside the value build() returned (dataclasses, dicts, lists)."""
    from django.db import models as m

    if id(obj) in seen or not delta:
        return
    seen.add(id(obj))
    if isinstance(obj, m.Model):
        for f in obj._meta.concrete_fields:
            if isinstance(f, m.DateTimeField):
                setattr(obj, f.attname, _shift(getattr(obj, f.attname), c, delta))
        for related in obj._state.fields_cache.values():
            _shift_instances(related, c, delta, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for d in dataclasses.fields(obj):
            _shift_instances(getattr(obj, d.name), c, delta, seen)
    elif isinstance(obj, dict):
        for v in obj.values():
            _shift_instances(v, c, delta, seen)
    elif isinstance(obj, list | tuple | set):
        for v in obj:
            _shift_instances(v, c, delta, seen)


def _apply(c: _Copy, alias: str, delta: datetime.timedelta) -> Any:
    from django.core.management.color import no_style
    from django.db import connections, transaction
    from django.db.models.signals import post_save

    conn = connections[alias]
    with transaction.atomic(using=alias):  # foreign keys are checked at the end (deferred)
        for t in c.tables:
            manager = t.model._base_manager.using(alias)
            if t.deleted:
                manager.filter(pk__in=t.deleted)._raw_delete(alias)
            for row in t.updated:
                values = dict(zip(t.columns, _shift_row(row, t, c, delta), strict=True))
                pk = values.pop(t.model._meta.pk.attname)
                manager.filter(pk=pk).update(**values)
            if t.inserted:
                qn = conn.ops.quote_name
                columns = [f.column for f in t.model._meta.local_concrete_fields]
                sql = (f"INSERT INTO {qn(t.model._meta.db_table)} ({', '.join(qn(x) for x in columns)}) "
                       f"VALUES ({', '.join(['%s'] * len(columns))})")
                rows = t.insert_rows(conn, delta)
                with conn.cursor() as cursor:
                    if conn.vendor == "postgresql":  # COPY: a few times faster than executemany
                        copy_sql = f"COPY {qn(t.model._meta.db_table)} ({', '.join(qn(x) for x in columns)}) FROM STDIN"
                        with cursor.cursor.copy(copy_sql) as pipe:
                            for row in rows:
                                pipe.write_row(row)
                    else:
                        cursor.executemany(sql, rows)
        with conn.cursor() as cursor:
            for sql in conn.ops.sequence_reset_sql(no_style(), [t.model for t in c.tables]):
                cursor.execute(sql)
    # as loaddata: one post_save(raw=True) per table, so caches kept beside the database forget
    for t in c.tables:
        if t.inserted or t.updated:
            first = t.model(**dict(zip(t.columns, (t.inserted or t.updated)[0], strict=True)))
            post_save.send(sender=t.model, instance=first, created=True, raw=True, using=alias, update_fields=None)
    result = copy.deepcopy(c.result)
    _shift_instances(result, c, delta, set())
    return result
