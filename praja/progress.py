"""The command-line progress bar every long `praja` command shows (tqdm, on standard error)."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm

# Phase names the importers and planners report, as the bar labels them.
PHASE_LABELS = {
    "periksa": "memeriksa / checking",
    "simpan": "menyimpan / saving",
}


class PhaseBar:
    """One tqdm bar per phase, fed by a (phase, done, total) callback; a new phase starts a new bar.

    `desc` labels every phase when given (a planner with one phase); otherwise PHASE_LABELS or the
    phase name does. `PhaseBar.counting(...)` adapts callbacks that report (done, total, unit).
    """

    def __init__(self, stream: Any = None, desc: str = "") -> None:
        self.stream = stream or sys.stderr
        self.desc = desc
        self.phase: str | None = None
        self.bar: tqdm[Any] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.bar is None or phase != self.phase or total != self.bar.total:
            self.close()
            self.phase = phase
            label = self.desc or PHASE_LABELS.get(phase, phase)
            unit = f" {phase}" if self.desc and phase else "it"
            self.bar = tqdm(total=total, desc=label, unit=unit, file=self.stream, disable=None, leave=False)
        self.bar.update(done - self.bar.n)

    def counting(self, done: int, total: int, unit: str) -> None:
        self(unit, done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
