"""What the audit log may keep of a changed value: protected values become a keyed digest, never clear text.

The audit keeps who, when, what and which fields changed. The value of a protected field (a whistleblower's
identity, an exact location, a PIN hash, phone numbers, internal notes, tokens and keys) is replaced by
``hmac:<32 hex>``, an HMAC-SHA256 with a key derived (HKDF) from the secret key: an auditor still sees that
the field changed and can check a value they hold ("was the number 0812...?") by computing its digest with
the key, but a reader of the log learns nothing. Phone numbers inside other free text are masked.

The lists are explicit, per model, and tested (`test_audit_secrets.py`): a new protected field must be
added here. Entries written before this rule (before migration 0005) are kept as they were.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from praja.base.masking import mask

# Protected wherever they appear (any model, and the summaries that commands pass to `audit.record`).
PROTECTED_ANYWHERE = frozenset({
    "password", "pin", "pin_hash", "phone", "phone_hash", "reporter_phone", "reporter_name", "reporter",
    "reporter_sealed", "identity", "nik", "email", "token", "token_hash", "secret", "bin_key", "otp_secret",
})

# Protected on one model only (the same name is harmless elsewhere: a TPS's lat/lng are public).
PROTECTED_FIELDS: dict[str, frozenset[str]] = {
    # exact location (the report page refuses it to all but the handlers), the sender's idempotency key
    "reports.report": frozenset({"latitude", "longitude", "client_key"}),
    # internal notes, questions, routing and identity records: the text and the data of every timeline entry
    "reports.timelineentry": frozenset({"text", "data"}),
    # why an identity is wanted, and the custodian's decision note
    "reports.identityrequest": frozenset({"reason", "decision_note"}),
    "reports.identityapproval": frozenset({"note"}),
    "accounts.person": frozenset({"staff_number"}),
    "coordination.stakeholder": frozenset({"notes"}),
    "otp_totp.totpdevice": frozenset({"key"}),
    "otp_static.statictoken": frozenset({"token"}),
}

# Entries about these are readable only by those who may see protected data (see visibility.audit_entries).
PROTECTED_MODELS = frozenset({"reports.identityrequest", "reports.identityapproval"})
PROTECTED_TIMELINE_KINDS = frozenset({"minta_identitas", "putusan_identitas", "lihat_identitas", "lihat_terlindung"})

DIGEST_PREFIX = "hmac:"

# An Indonesian mobile number inside free text, with or without separators: 0812-3333-4444, +62 812 3333 4444;
# standing on its own, not digits inside a longer token of letters and digits (a key id or digest such as
# "f5cc083450f3" was masked to "f5cc******f3": 0.39 % of random 12-hex ids and 2.31 % of SHA-256 digests hold
# "08" and 3 more digits).
_PHONE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z+])(?:\+?62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,5}){1,3}(?![0-9A-Za-z])")


def protected_fields(model_label: str) -> frozenset[str]:
    return PROTECTED_ANYWHERE | PROTECTED_FIELDS.get(model_label, frozenset())


def is_protected(model_label: str, name: str) -> bool:
    base = name.split(":", 1)[0]
    return base in PROTECTED_ANYWHERE or base in PROTECTED_FIELDS.get(model_label, frozenset())


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"praja", info=b"praja audit digest v1").derive(
        secret.encode("utf-8")
    )


def digest(value: Any) -> str:
    """The keyed digest that stands for a protected value in the log."""
    body = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    mac = hmac.new(_key(str(settings.SECRET_KEY)), body.encode("utf-8"), hashlib.sha256).hexdigest()
    return DIGEST_PREFIX + mac[:32]


def _digest_value(value: Any) -> Any:
    if value is None or value == "" or value == {} or value == []:
        return value  # "it was empty" is not a secret and tells the reader that it was set or cleared
    return digest(value)


def _mask_text(value: Any) -> Any:
    if isinstance(value, str):
        return _PHONE_IN_TEXT.sub(lambda m: mask(m.group(0), 4, 2), value)
    if isinstance(value, list):
        return [_mask_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_text(v) for k, v in value.items()}
    return value


def protect(model_label: str, changes: dict[str, Any], action: str = "") -> dict[str, Any]:
    """The changes as the log keeps them. An update's value is [before, after]: each side is digested."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if not is_protected(model_label, name):
            out[name] = _mask_text(value)
        elif action == "update" and isinstance(value, list) and len(value) == 2:
            out[name] = [_digest_value(value[0]), _digest_value(value[1])]
        else:
            out[name] = _digest_value(value)
    return out
