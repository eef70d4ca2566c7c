"""Waiting for a condition in the page without Playwright's wait_for_function, which builds its predicate with
eval() inside the page: Praja's Content-Security-Policy (no 'unsafe-eval', issue 14) refuses that. page.evaluate
goes through the DevTools protocol, outside the page's policy."""

from __future__ import annotations

import time
from typing import Any


def wait_js(page: Any, expression: str, timeout: float = 30_000, polling: float = 100) -> Any:
    """Evaluate ``expression`` (or an async function) every ``polling`` ms until it is truthy; its value."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout:.0f} ms: {expression[:120]}")
        page.wait_for_timeout(polling)
