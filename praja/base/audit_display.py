"""Audit entries as people read them: "field: before -> after" rows instead of raw JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Bookkeeping fields that change on every save and say nothing to a reader of the history.
HIDDEN_FIELDS = frozenset({"updated_at"})


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: Any
    after: Any
    is_update: bool


def change_rows(entry: Any) -> list[ChangeRow]:
    rows = []
    for name, value in (entry.changes or {}).items():
        if name in HIDDEN_FIELDS:
            continue
        if entry.action == "update" and isinstance(value, list) and len(value) == 2:
            rows.append(ChangeRow(name, value[0], value[1], True))
        else:
            rows.append(ChangeRow(name, None, value, False))
    return rows


def with_change_rows(entries: Any) -> list[dict[str, Any]]:
    return [{"e": e, "rows": change_rows(e)} for e in entries]
