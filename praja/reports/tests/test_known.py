"""Intake's memory of places (praja/reports/known.py): one query reads a regency's TPS list, so the next
reports from anywhere in that regency ask the database nothing about their TPS; a wrong code is still refused
and costs one small query, and a TPS another process added is accepted at once."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from praja.accounts.tests.fixtures import world  # noqa: F401
from praja.base.regions import tps_code
from praja.reports import known
from praja.territory.models import TPS


def _tps_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "territory_tps" in q["sql"]]


def test_it_reads_a_regencys_tps_once_and_then_answers_from_memory(world: Any) -> None:  # noqa: F811
    first, *others = sorted(world.tps)
    assert others, "the fixture holds several TPS in one regency"
    with CaptureQueriesContext(connection) as ctx:
        assert known.tps_exists(first)
    assert len(_tps_queries(ctx)) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert all(known.tps_exists(code) for code in others)
    assert _tps_queries(ctx) == []


def test_it_refuses_a_wrong_code_each_time_with_one_small_query(world: Any) -> None:  # noqa: F811
    code = sorted(world.tps)[0]
    assert known.tps_exists(code)
    wrong = code[:-1] + "9"
    assert wrong not in world.tps
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            assert not known.tps_exists(wrong)
        sql = _tps_queries(ctx)
        assert len(sql) == 1 and "LIKE" not in sql[0].upper(), sql  # the code alone, not the regency's list


def test_a_tps_added_by_another_process_is_accepted_at_once(world: Any) -> None:  # noqa: F811
    code = sorted(world.tps)[0]
    assert known.tps_exists(code)  # the regency's list is now in memory
    source = TPS.objects.get(pk=code)
    added = tps_code(source.desa_id, 97)
    TPS.objects.bulk_create([TPS(code=added, desa_id=source.desa_id, number=97, voters=200)])  # no signal: as
    # another process would add it
    assert known.tps_exists(added)
