"""Encryption of the reporter's identity with a key that is not in the database.

The key comes from ``PRAJA_REPORTS_SEAL_KEY`` (a Fernet key, urlsafe base64 of 32 bytes) or, when that is
empty, from the file ``PRAJA_REPORTS_SEAL_KEY_FILE`` (default ``<var>/keys/reports-seal.key``), which is
created with mode 0600 on first use outside production. A database dump alone never reveals a reporter.
Keyed hashes (phone numbers for rate limits, PINs) use a second key derived from the same secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lokal import parse_phone


def _key_file() -> Path:
    configured = getattr(settings, "PRAJA_REPORTS_SEAL_KEY_FILE", "")
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "keys" / "reports-seal.key"


@lru_cache(maxsize=4)
def _load_key(env_key: str, path: str, may_create: bool) -> bytes:
    if env_key:
        return env_key.encode()
    p = Path(path)
    if p.exists():
        return p.read_bytes().strip()
    if not may_create:
        raise ImproperlyConfigured(
            f"no key to seal reporter identities: set PRAJA_REPORTS_SEAL_KEY or create {p} "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    try:
        # Two server processes starting at once: the first link wins, the other reads what it wrote.
        os.link(tmp, p)
    except FileExistsError:
        return p.read_bytes().strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def seal_key() -> bytes:
    return _load_key(
        getattr(settings, "PRAJA_REPORTS_SEAL_KEY", ""),
        str(_key_file()),
        bool(getattr(settings, "PRAJA_REPORTS_SEAL_KEY_AUTOCREATE", True)),
    )


@lru_cache(maxsize=4)
def _fernet(key: bytes) -> Fernet:
    return Fernet(key)


@lru_cache(maxsize=4)
def _hash_key(key: bytes) -> bytes:
    return hashlib.sha256(b"praja-reports-hash:" + base64.urlsafe_b64decode(key)).digest()


def seal(data: dict[str, Any]) -> str:
    """Encrypt a small JSON-able dict (name, contact, phone) for ``Report.reporter_sealed``."""
    return _fernet(seal_key()).encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict[str, Any]:
    """Decrypt what ``seal`` made; raises ``ValueError`` when the key does not fit."""
    if not token:
        return {}
    try:
        data: dict[str, Any] = json.loads(_fernet(seal_key()).decrypt(token.encode()))
        return data
    except InvalidToken as exc:
        raise ValueError("the reporter's identity cannot be opened with this key") from exc


def keyed_hash(value: str, purpose: str = "") -> str:
    """HMAC-SHA256 of a value (a phone number, a receipt+PIN) under the sealing key: not reversible without it."""
    return hmac.new(_hash_key(seal_key()), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_phone(phone: str) -> str:
    """+62 812-3456 7890, 0812 3456 7890, 6281234567890 and 812 3456 7890 are the same number: 6281234567890
    (lokal-id's E.164 form without the plus). What lokal-id does not take for an Indonesian number is kept as its
    digits (a leading 0 read as 62), as before, so that it is still counted by the limits."""
    info = parse_phone(phone)
    if info.valid and info.e164:
        return info.e164.removeprefix("+")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits
