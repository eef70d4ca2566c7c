"""Writers appending to the audit log at the same time still leave one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from praja.accounts import audit
from praja.accounts.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain() -> None:
    errors: list[BaseException] = []
    per_thread = 15

    def writer(n: int) -> None:
        try:
            with audit.acting_as(audit.Actor(None, f"writer-{n}", "127.0.0.1", "test")):
                for i in range(per_thread):
                    audit.record("update", "test.thing", f"{n}-{i}", "35.07")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert AuditEntry.objects.count() == 4 * per_thread
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 4 * per_thread + 1))
    checked, broken = audit.verify_chain()
    assert (checked, broken) == (4 * per_thread, None)
