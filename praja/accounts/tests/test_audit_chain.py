"""The sealed audit log: appending takes no lock, sealing batches entries under a chained Merkle head that is
anchored outside the database, and verification reports edits, removals, additions and truncation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext

from praja.accounts.tests.fixtures import World, raw_sql
from praja.base import audit, chain
from praja.base.audit_seal import log_id, read_anchors
from praja.base.models import AuditBatch, AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

SYSTEM = audit.Actor(None, "system:test", "", "cli")


def append(n: int, region: str = "35.07") -> list[AuditEntry]:
    with audit.acting_as(SYSTEM):
        return [audit.record("update", "test.thing", str(i), region, {"i": i}) for i in range(n)]


def test_appending_is_one_insert_and_touches_no_shared_row(world: World) -> None:
    with CaptureQueriesContext(connection) as ctx:
        append(1)
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(sql) == 1 and sql[0].startswith("INSERT INTO \"accounts_auditentry\"")
    assert "audithead" not in " ".join(q["sql"] for q in ctx.captured_queries)


def test_merkle_root_follows_rfc_6962() -> None:
    def mth(leaves: list[bytes]) -> bytes:  # the RFC's recursive definition
        if len(leaves) == 1:
            return leaves[0]
        k = 1
        while k * 2 < len(leaves):
            k *= 2
        return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()

    assert chain.merkle_root([]) == hashlib.sha256(b"").hexdigest()
    for n in (1, 2, 3, 5, 7, 8, 13):
        leaves = [hashlib.sha256(bytes([i])).digest() for i in range(n)]
        assert chain.merkle_root(leaves) == mth(leaves).hex(), n


def test_sealing_chains_batches_and_anchors_each_head(world: World, audit_anchor_file: Path) -> None:
    first = audit.seal()
    append(5)
    second = audit.seal()
    assert [b["number"] for b in first.batches + second.batches] == [1, 2]
    b1, b2 = AuditBatch.objects.order_by("number")
    assert b2.prev_head == b1.head and b2.first_seq == b1.last_seq + 1 and b2.count == 5
    assert b2.tree_size == b1.tree_size + 5 == AuditEntry.objects.count()
    assert audit.current_head() == (b2.tree_size, b2.head)
    lines = audit_anchor_file.read_text().splitlines()
    assert lines[-1].split("\t")[:4] == [log_id(), "2", str(b2.tree_size), b2.head]
    assert audit.seal().batches == []  # nothing pending: no empty batch


def test_verify_seals_pending_entries_first(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    append(3)
    assert not AuditBatch.objects.exists()
    call_command("audit", "verify")
    assert AuditHead.objects.get().size == AuditEntry.objects.count()
    assert "entries not sealed yet" not in capsys.readouterr().out


def test_a_rolled_back_entry_leaves_a_gap_that_sealing_tolerates(world: World) -> None:
    append(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        append(1)
        raise RuntimeError
    append(1)
    assert audit.verify_log().ok


def test_an_entry_slipped_into_a_sealed_range_is_reported(world: World) -> None:
    entries = append(3)
    gap = entries[-1].seq + 5
    raw_sql("INSERT INTO accounts_auditentry (seq, at, actor_label, address, channel, action, target_type, "
            "target_id, region_code, sensitivity, changes) VALUES (%s, CURRENT_TIMESTAMP, 'x', '', 'cli', 'x', "
            "'x', '', '', '', '{}')", [gap])
    if connection.vendor == "postgresql":  # numbers up to `gap` handed out (the ones between rolled back)
        raw_sql("SELECT setval(pg_get_serial_sequence('accounts_auditentry', 'seq'), %s)", [gap])
    audit.seal()
    raw_sql("INSERT INTO accounts_auditentry (seq, at, actor_label, address, channel, action, target_type, "
            "target_id, region_code, sensitivity, changes) VALUES (%s, CURRENT_TIMESTAMP, 'forged', '', 'cli', "
            "'x', 'x', '', '', '', '{}')", [gap - 1])
    found = audit.verify_log().breaks
    assert any(b.seq == gap - 1 and "added after the batch was sealed" in b.reason for b in found), found


def test_truncating_the_last_sealed_entries_is_reported(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    entries = append(6)
    audit.seal()
    raw_sql("DELETE FROM accounts_auditentry WHERE seq >= %s", [entries[-3].seq])
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    err = capsys.readouterr().err
    assert f"BROKEN at batch 1 (entry #{entries[-1].seq}): this sealed entry was removed" in err
    assert "the database holds" in err


def test_truncating_entries_batches_and_head_together_is_caught_by_the_anchor(world: World) -> None:
    append(4)
    audit.seal()
    size = audit.current_head()[0]
    append(4)
    audit.seal()
    last = AuditBatch.objects.get(number=2)
    raw_sql("DELETE FROM accounts_auditentry WHERE seq >= %s", [last.first_seq])
    raw_sql("DELETE FROM accounts_auditbatch WHERE number = 2")
    raw_sql("UPDATE accounts_audithead SET size = %s, batches = 1, last_seq = %s, last_hash = %s",
            [size, last.first_seq - 1, last.prev_head])
    result = audit.verify_log()
    assert result.size == size
    reasons = " | ".join(b.reason for b in result.breaks)
    assert "is not in the database (truncation)" in reasons and "the database " + str(size) in reasons


def test_a_head_row_left_ahead_of_the_batches_is_reported(world: World) -> None:
    append(2)
    audit.seal()
    raw_sql("DELETE FROM accounts_auditbatch")
    result = audit.verify_log(seal_first=False)
    assert any("removed (truncation)" in b.reason for b in result.breaks)


def test_the_anchor_file_keeps_heads_of_other_logs_apart(world: World, audit_anchor_file: Path) -> None:
    audit_anchor_file.write_text("elsewhere\t1\t999\t" + "a" * 64 + "\t2024-11-27T07:00:00+00:00\n")
    append(2)
    result = audit.verify_log()
    assert result.ok and result.anchored is not None and result.anchored.log_id == log_id()
    assert [a.log_id for a in read_anchors()] == ["elsewhere", log_id()]


def test_postgresql_refuses_update_and_delete_of_audit_rows(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (SQLite: the model refuses, verify detects)")
    entry = append(1)[0]
    audit.seal()
    for sql in (
        "UPDATE accounts_auditentry SET actor_label = 'x' WHERE seq = %s",
        "DELETE FROM accounts_auditentry WHERE seq = %s",
        "UPDATE accounts_auditbatch SET root = 'x' WHERE first_seq <= %s",
        "DELETE FROM accounts_auditbatch WHERE first_seq <= %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [entry.seq])
    assert AuditEntry.objects.filter(seq=entry.seq, actor_label="system:test").exists()
    assert audit.verify_log().ok


@pytest.mark.django_db(transaction=True)
def test_sealing_with_nothing_new_neither_waits_for_open_transactions_nor_writes(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the wait for open transactions exists on PostgreSQL only")
    import psycopg

    append(3)
    audit.seal()
    batches = AuditBatch.objects.count()
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            dbname=s["NAME"], password=s.get("PASSWORD") or None)
    try:
        other.execute("SELECT 1")  # a transaction left open, as a busy server's always are
        with CaptureQueriesContext(connection) as ctx:
            result = audit.seal(wait=2.0)
    finally:
        other.close()
    asked = [q["sql"] for q in ctx.captured_queries if "pg_stat_activity" in q["sql"]]
    assert asked == [] and result.sealed == 0 and AuditBatch.objects.count() == batches
    assert not any("FOR UPDATE" in q["sql"] or q["sql"].startswith(("UPDATE", "INSERT"))
                   for q in ctx.captured_queries)  # no lock on the head, no write
    append(1)  # something new (and no transaction left open): sealed as before
    assert audit.seal(wait=0.1).sealed == 1
