"""`audit verify`: walk the audit log's hash chain and report the first broken link.

Prints "OK: N entries, chain intact" (exit 0) or "BROKEN at entry #seq: reason" (exit 1).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from praja.accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks that no entry was edited, removed or reordered."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify: check the hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        n, broken = verify_chain()
        if broken is None:
            self.stdout.write(f"OK: {n} entries, chain intact")
            return
        self.stderr.write(f"BROKEN at entry #{broken.seq}: {broken.reason}")
        raise SystemExit(1)
