"""`audit seal` and `audit verify`: the audit log's sequencer and its check.

    praja audit seal      seal pending entries into batches, anchor the new head (run it every few seconds:
                          `praja serve` runs it in the background, the job worker should schedule it)
    praja audit verify    seal, then check every batch, the head row and the anchor file

verify prints "OK: N entries in B batches, chain intact; head SIZE HASH" (exit 0) or one "BROKEN ..." line
per finding on stderr (exit 1).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from praja.base.audit_seal import anchor_path, seal, verify_log


class Command(BaseCommand):
    help = "Audit log tools: `seal` chains pending entries into batches; `verify` checks the whole log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"], help="seal: chain pending entries; verify: check")
        parser.add_argument("--no-seal", action="store_true", help="verify: do not seal pending entries first")
        parser.add_argument("--wait", type=float, default=2.0,
                            help="seconds to wait for open transactions before sealing (PostgreSQL)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            r = seal(wait=options["wait"])
            self.stdout.write(
                f"sealed {r.sealed} entries in {len(r.batches)} batches; head {r.size} {r.head}"
                + (f"; {r.waiting_for} numbers wait for open transactions" if r.waiting_for else "")
            )
            return
        if not options["no_seal"]:
            seal(wait=options["wait"])
        res = verify_log(seal_first=False)
        for note in res.notes:
            self.stdout.write(f"NOTE: {note}")
        if res.ok:
            pending = f"; {res.pending} entries not sealed yet" if res.pending else ""
            anchored = f"; anchored in {anchor_path()}" if res.anchored else ""
            self.stdout.write(
                f"OK: {res.entries} entries in {res.batches} batches, chain intact; head {res.size} {res.head}"
                f"{pending}{anchored}"
            )
            return
        for b in res.breaks:
            self.stderr.write(f"BROKEN at {b}")
        raise SystemExit(1)
