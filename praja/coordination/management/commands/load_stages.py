"""Load (or replace) an election's stage calendar from a JSON file; default: Pilkada 2024 (PKPU 2/2024)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from praja.base.audit import acting_as, system_actor
from praja.coordination import services


class Command(BaseCommand):
    help = "Load an election's stage calendar from JSON (default: Pilkada 2024, PKPU 2/2024)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(services.DEFAULT_STAGES))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(system_actor("load_stages")):
                election = services.load_election(Path(options["path"]))
        except services.StageFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{election.name}: {election.stages.count()} stages")
