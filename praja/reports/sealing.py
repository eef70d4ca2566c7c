"""Encryption of the reporter's identity with a key that is not in the database.

The key comes from ``PRAJA_REPORTS_SEAL_KEY`` (a Fernet key, urlsafe base64 of 32 bytes) or, when that is
empty, from the file ``PRAJA_REPORTS_SEAL_KEY_FILE`` (default ``<var>/keys/reports-seal.key``), which is
created with mode 0600 on first use outside production (``PRAJA_REPORTS_SEAL_KEY_AUTOCREATE``; off in
production, where `praja manage check --deploy` fails without a key: praja/reports/checks.py). A database dump alone
never reveals a reporter. Keyed hashes (phone numbers for rate limits, PINs) use a second key derived from the
same secret with HKDF-SHA256 (issue 14; the earlier ``sha256(prefix + key)`` derivation is still accepted when
checking a PIN made before, and the PIN's hash is then rewritten under the current derivation).

Rotation (`praja reports rotate-seal-key`): the earlier keys stay readable (``PRAJA_REPORTS_SEAL_OLD_KEYS`` and the
file ``<key file>.old``, one key a line) while every sealed identity is re-sealed under the current key; a PIN
made under an earlier key is still checked with it and re-hashed under the current key when it is next used.
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

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
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


def old_keys_file() -> Path:
    """Where `rotate-seal-key` keeps the earlier keys (one a line), beside the key file."""
    path = _key_file()
    return path.with_name(path.name + ".old")


@lru_cache(maxsize=4)
def _read_old_keys(env: str, path: str, mtime: float) -> tuple[bytes, ...]:
    keys = [k.strip().encode() for k in env.replace("\n", ",").split(",") if k.strip()]
    p = Path(path)
    if mtime and p.exists():
        keys += [line.strip().encode() for line in p.read_text().splitlines() if line.strip()]
    return tuple(dict.fromkeys(keys))


def old_keys() -> tuple[bytes, ...]:
    """The earlier seal keys, newest first: still read (identities, PIN hashes), never used to seal."""
    p = old_keys_file()
    mtime = p.stat().st_mtime if p.exists() else 0.0
    current = seal_key()
    found = _read_old_keys(str(getattr(settings, "PRAJA_REPORTS_SEAL_OLD_KEYS", "") or ""), str(p), mtime)
    return tuple(k for k in found if k != current)


@lru_cache(maxsize=8)
def _fernet(key: bytes) -> Fernet:
    return Fernet(key)


@lru_cache(maxsize=8)
def _reader(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def derive(key: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the seal key with HKDF-SHA256 (RFC 5869)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"praja-reports-seal", info=purpose).derive(
        base64.urlsafe_b64decode(key)
    )


@lru_cache(maxsize=8)
def _hash_key(key: bytes) -> bytes:
    return derive(key, b"praja reports keyed hash v2")


@lru_cache(maxsize=8)
def _legacy_hash_key(key: bytes) -> bytes:
    """The derivation before issue 14 (sha256 of a prefix and the key): only to check what it made."""
    return hashlib.sha256(b"praja-reports-hash:" + base64.urlsafe_b64decode(key)).digest()


def key_id(key: bytes) -> str:
    """A short public name of a key (for the audit and the operator), from which the key cannot be found."""
    return derive(key, b"praja reports key id").hex()[:12]


def seal(data: dict[str, Any]) -> str:
    """Encrypt a small JSON-able dict (name, contact, phone) for ``Report.reporter_sealed``."""
    return _fernet(seal_key()).encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict[str, Any]:
    """Decrypt what ``seal`` made, with the current key or an earlier one; ``ValueError`` when none fits."""
    if not token:
        return {}
    try:
        data: dict[str, Any] = json.loads(_reader((seal_key(), *old_keys())).decrypt(token.encode()))
        return data
    except InvalidToken as exc:
        raise ValueError("the reporter's identity cannot be opened with this key") from exc


def sealed_with_current(token: str) -> bool:
    """True when ``token`` opens with the current key alone (nothing left to re-seal)."""
    try:
        _fernet(seal_key()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reseal(token: str) -> str:
    """``token`` sealed again under the current key (readable with any earlier key); ValueError if none fits."""
    try:
        return _reader((seal_key(), *old_keys())).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the reporter's identity cannot be opened with any known key") from exc


def keyed_hash(value: str, purpose: str = "") -> str:
    """HMAC-SHA256 of a value (a phone number, a receipt+PIN) under the sealing key: not reversible without it."""
    return hmac.new(_hash_key(seal_key()), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def keyed_hash_matches(stored: str, value: str, purpose: str = "") -> tuple[bool, bool]:
    """(whether ``stored`` is the keyed hash of ``value`` under the current or an earlier key and derivation,
    whether it is the current one). Constant-time comparisons; the current key and derivation first."""
    message = f"{purpose}:{value}".encode()
    if not stored:
        return False, False
    current = seal_key()
    for n, key in enumerate((current, *old_keys())):
        for derived in (_hash_key(key), _legacy_hash_key(key)):
            if hmac.compare_digest(stored, hmac.new(derived, message, hashlib.sha256).hexdigest()):
                return True, n == 0 and derived == _hash_key(current)
    return False, False


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
