"""Masking of personal data in lists and logs (phone numbers, NIK, staff numbers)."""

from __future__ import annotations

import logging
import re

# Field names whose values are personal data: masked in lists, in audit entries and in logs.
PERSONAL_FIELDS = frozenset({"phone", "staff_number", "nik", "email", "reporter_name", "reporter_phone"})
SECRET_FIELDS = frozenset({"password", "key", "bin_key", "secret", "token"})

# A number standing on its own: not a run of digits inside a longer token of letters and digits (a SHA-256 digest
# such as "...e0812345678f..." or "...3507012345678901ab..." is no phone number or NIK, and masking it destroyed the
# file hash an import's audit entry keeps: 0.67 % of random digests hold such a run, 1 in 149).
_ALONE_BEFORE, _ALONE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_PHONE_RE = re.compile(_ALONE_BEFORE + r"(\+?62|0)8\d{7,11}" + _ALONE_AFTER)
_NIK_RE = re.compile(_ALONE_BEFORE + r"\d{16}" + _ALONE_AFTER)


def mask(value: str, keep_start: int = 2, keep_end: int = 2) -> str:
    """'081234567890' -> '08********90'; short values are masked whole."""
    v = str(value)
    if not v:
        return ""
    if len(v) <= keep_start + keep_end + 2:
        return "*" * len(v)
    tail = v[len(v) - keep_end:] if keep_end > 0 else ""  # v[-0:] would be the whole value
    return v[:keep_start] + "*" * (len(v) - keep_start - keep_end) + tail


def mask_field(name: str, value: object) -> object:
    if name in SECRET_FIELDS:
        return "[rahasia]" if value else ""
    if name in PERSONAL_FIELDS and value:
        return mask(str(value))
    return value


def mask_text(text: str) -> str:
    """Mask phone numbers and NIK numbers that appear inside free text (log lines)."""
    text = _PHONE_RE.sub(lambda m: mask(m.group(0), 4, 2), text)
    return _NIK_RE.sub(lambda m: mask(m.group(0), 4, 0), text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not stop logging
            return True
        masked = mask_text(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        return True
