"""Reports tests look at routing, duplicate links and forwarding right after intake, inside the test's own
transaction: the after-intake work runs inline (on commit, in the request). test_afterwork.py tests the
real worker thread and the sweep."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def after_intake_inline(settings: Any, request: Any) -> None:
    from praja.reports import api, known, places

    places.forget_default_regency()  # each test loads its own regions
    known.forget()
    api.forget_tokens()
    if request.node.get_closest_marker("after_intake_thread"):
        return
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "AFTER_INTAKE": "inline"}
