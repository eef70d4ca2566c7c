"""Praja's own checks for `praja manage check --deploy` (issue 14), next to Django's: registered when the reports
app is ready (the seal key is the reports app's; the admin path and CSP checks sit beside it).

- praja.E001 / E002: no whistleblower seal key, or one that is not a Fernet key (an Error: the check fails).
- praja.W001: a missing seal key would be created silently (PRAJA_REPORTS_SEAL_KEY_AUTOCREATE on, DEBUG off).
- praja.W002: the Django admin at its well-known /admin/ (set PRAJA_ADMIN_PATH).
- praja.W003: the Content-Security-Policy is off or report-only (PRAJA_CSP).
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def seal_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`praja manage check --deploy`: an Error without a usable seal key (issue 14), a Warning when a missing key
    would be created silently on this server."""
    from praja.reports.sealing import _key_file

    env = str(getattr(settings, "PRAJA_REPORTS_SEAL_KEY", "") or "")
    path = _key_file()
    hint = ("set PRAJA_REPORTS_SEAL_KEY (or PRAJA_REPORTS_SEAL_KEY_FILE) to a Fernet key kept outside the database "
            "and its backups: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'")
    source = "PRAJA_REPORTS_SEAL_KEY" if env else str(path)
    raw = env.encode() if env else (path.read_bytes().strip() if path.exists() else b"")
    if not raw:
        return [checks.Error(
            f"no key to seal whistleblower identities: PRAJA_REPORTS_SEAL_KEY is empty and {path} does not exist",
            hint=hint, id="praja.E001")]
    try:
        Fernet(raw)
    except (ValueError, TypeError):
        return [checks.Error(f"the seal key in {source} is not a Fernet key (urlsafe base64 of 32 bytes)",
                             hint=hint, id="praja.E002")]
    if bool(getattr(settings, "PRAJA_REPORTS_SEAL_KEY_AUTOCREATE", True)) and not settings.DEBUG:
        return [checks.Warning("PRAJA_REPORTS_SEAL_KEY_AUTOCREATE is on: a lost key file would be replaced silently",
                               hint="PRAJA_REPORTS_SEAL_KEY_AUTOCREATE=0 (the production settings' default)",
                               id="praja.W001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def admin_path_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if str(getattr(settings, "PRAJA_ADMIN_PATH", "admin/")).strip("/") == "admin":
        return [checks.Warning("the Django admin is at its well-known path /admin/",
                               hint="set PRAJA_ADMIN_PATH to a path of your own, e.g. kelola-<random>/",
                               id="praja.W002")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def csp_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    mode = str(getattr(settings, "PRAJA_CSP", "enforce") or "enforce")
    if mode != "enforce":
        return [checks.Warning(f"the Content-Security-Policy is {mode!r}, not enforced",
                               hint="PRAJA_CSP=enforce (the default)", id="praja.W003")]
    return []
