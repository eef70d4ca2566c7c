"""Recovery codes for the second factor: for the day the phone with the authenticator app is lost.

A person who has passed the second factor asks for codes on the security page (/akun/keamanan/); they are
shown once, in that answer only. Each code opens the second factor once, in place of the TOTP code, and is then
gone; asking for new codes makes every earlier one useless. The codes are django-otp static tokens (one
`StaticDevice` per person, named `DEVICE_NAME`), but the database keeps only a keyed digest of each code (the
`token` column), so someone who reads the database cannot use them. Generating and using codes is audited;
the token column is a protected audit field (praja/base/audit_protect.py), so not even the digest is in clear.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from praja.base import audit

DEVICE_NAME = "Praja recovery codes"
CODE_COUNT = 10
# 10 characters of Crockford-like base32 without look-alikes (no 0/o, 1/l/i): 50 bits each.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_LENGTH = 10


@dataclass(frozen=True)
class Status:
    remaining: int
    generated_at: Any  # datetime | None


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"praja", info=b"praja recovery code v1").derive(
        secret.encode("utf-8")
    )


def normalise(code: str) -> str:
    """What a person types, as it was made: lower case, without spaces or dashes."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def stored_form(code: str) -> str:
    """The keyed digest kept in StaticToken.token (16 hex characters, the column's width)."""
    mac = hmac.new(_key(str(settings.SECRET_KEY)), normalise(code).encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:16]


def shown_form(code: str) -> str:
    """A code as the page shows it: two groups of five (abcde-fghjk)."""
    return f"{code[:5]}-{code[5:]}"


def _devices(user: Any) -> Any:
    return StaticDevice.objects.filter(user=user, name=DEVICE_NAME)


def status(user: Any) -> Status:
    device = _devices(user).order_by("-id").first()
    if device is None:
        return Status(remaining=0, generated_at=None)
    return Status(remaining=device.token_set.count(), generated_at=device.created_at)


def generate(user: Any, count: int = CODE_COUNT) -> list[str]:
    """New codes for `user`, replacing every earlier one; returns them (as shown) for the one answer that
    shows them. Audited: one entry for the set (how many, how many unused ones it replaced)."""
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH)) for _ in range(count)]
    with transaction.atomic():
        old = list(_devices(user).select_for_update())
        replaced = sum(d.token_set.count() for d in old)
        for d in old:
            d.delete()  # its tokens go with it: earlier codes stop working
        device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=stored_form(c)) for c in codes])
        audit.record("recovery_codes_generated", "auth.user", str(user.pk), "",
                     {"count": count, "replaced_unused": replaced})
    return [shown_form(c) for c in codes]


def use(user: Any, code: str) -> StaticDevice | None:
    """The person's recovery device when `code` is one of their unused codes (which is then used up), else
    None. Wrong codes slow further tries down (django-otp's throttling of the device)."""
    if not normalise(code):
        return None
    with transaction.atomic():
        for device in _devices(user).select_for_update().order_by("-id"):
            if device.verify_token(stored_form(code)):
                remaining = device.token_set.count()
                audit.record("login_recovery_code", "auth.user", str(user.pk), "", {"remaining": remaining})
                return device
    return None


def throttled(user: Any) -> bool:
    """Is every recovery device of the person waiting after wrong codes?"""
    devices = list(_devices(user))
    return bool(devices) and all(not d.verify_is_allowed()[0] for d in devices)
