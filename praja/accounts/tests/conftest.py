import pytest  # noqa: E402

from praja.accounts.tests.fixtures import *  # noqa: F401,F403


@pytest.fixture(autouse=True)
def audit_anchor_file(settings: object, tmp_path: object) -> object:
    """Each test anchors the audit head in its own file (not var/ of the checkout)."""
    path = tmp_path / "audit-anchor.log"  # type: ignore[operator]
    settings.AUDIT_ANCHOR_FILE = path  # type: ignore[attr-defined]
    return path
