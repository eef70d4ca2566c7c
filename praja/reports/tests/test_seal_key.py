"""Issue 14 (hardening): the keyed hashes are derived from the seal key with HKDF, and `praja reports
rotate-seal-key` re-seals every sealed identity under a new key while the old one stays readable; PINs issued
before still open their receipt (and are re-hashed under the new key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.management import call_command
from django.test import Client

from praja.accounts.tests.fixtures import world  # noqa: F401
from praja.base.models import AuditEntry
from praja.reports import intake, sealing
from praja.reports.models import Report
from praja.reports.tests.test_public import send, shown


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    settings.PRAJA_REPORTS_SEAL_KEY = ""
    settings.PRAJA_REPORTS_SEAL_OLD_KEYS = ""
    settings.PRAJA_REPORTS_SEAL_KEY_FILE = str(tmp_path / "keys" / "reports-seal.key")
    path = tmp_path / "keys" / "reports-seal.key"
    path.parent.mkdir()
    path.write_bytes(Fernet.generate_key())
    return path


def test_the_hash_key_is_derived_with_hkdf_not_sha256_of_prefix_and_key(key_file: Path) -> None:
    raw = base64.urlsafe_b64decode(key_file.read_bytes())
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"praja-reports-seal",
                info=b"praja reports keyed hash v2").derive(raw)
    legacy = hashlib.sha256(b"praja-reports-hash:" + raw).digest()
    expected = hmac.new(hkdf, b"phone:6281211112222", hashlib.sha256).hexdigest()
    assert sealing.keyed_hash("6281211112222", "phone") == expected
    assert expected != hmac.new(legacy, b"phone:6281211112222", hashlib.sha256).hexdigest()


def test_a_pin_hashed_the_old_way_still_opens_and_is_rehashed_with_hkdf(world: Any, key_file: Path) -> None:  # noqa: F811
    sender = Client()
    send(sender)
    code, pin = shown(sender)
    raw = base64.urlsafe_b64decode(key_file.read_bytes())
    legacy = hmac.new(hashlib.sha256(b"praja-reports-hash:" + raw).digest(), f"pin:{code}:{pin}".encode(),
                      hashlib.sha256).hexdigest()
    Report.objects.filter(receipt=code).update(pin_hash=legacy)  # a receipt issued before issue 14
    assert Client().post("/lapor/ikuti/", {"receipt": code, "pin": pin}).status_code == 302
    assert Report.objects.get(receipt=code).pin_hash == intake.pin_hash(code, pin)


def test_rotate_seal_key_reseals_every_identity_and_old_pins_still_open(world: Any, key_file: Path) -> None:  # noqa: F811
    old_key = key_file.read_bytes().strip()
    receipts = []
    for i in range(3):
        c = Client()
        assert send(c, identity="nama", reporter_name=f"Saksi {i}", phone=f"08121111000{i}").status_code == 302
        receipts.append(shown(c))
    send(Client())  # an anonymous one: nothing sealed
    before = {r.pk: r.reporter_sealed for r in Report.objects.exclude(reporter_sealed="")}
    assert len(before) == 3

    out, err = io.StringIO(), io.StringIO()
    call_command("reports", "rotate-seal-key", "--generate", stdout=out, stderr=err)

    new_key = key_file.read_bytes().strip()
    assert new_key != old_key
    assert (key_file.parent / "reports-seal.key.old").read_bytes().strip() == old_key  # kept for reading
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    for report in Report.objects.exclude(reporter_sealed=""):
        assert report.reporter_sealed != before[report.pk]
        Fernet(new_key).decrypt(report.reporter_sealed.encode())  # the new key alone opens it
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(report.reporter_sealed.encode())
        assert sealing.unseal(report.reporter_sealed)["name"].startswith("Saksi")
    assert "3 identitas disegel ulang" in out.getvalue()
    entry = AuditEntry.objects.get(action="rotate_key")
    assert entry.changes["resealed"] == 3 and entry.changes["key"] == sealing.key_id(new_key)
    assert old_key.decode() not in str(entry.changes) and new_key.decode() not in str(entry.changes)

    # a PIN issued under the old key opens its receipt, and is then hashed under the new key
    code, pin = receipts[0]
    assert Client().post("/lapor/ikuti/", {"receipt": code, "pin": pin}).status_code == 302
    assert Report.objects.get(receipt=code).pin_hash == intake.pin_hash(code, pin)

    # run again: nothing left to do
    out = io.StringIO()
    call_command("reports", "rotate-seal-key", stdout=out, stderr=io.StringIO())
    assert "0 identitas disegel ulang" in out.getvalue() and "3 sudah" in out.getvalue()


def test_rotation_with_the_key_in_the_environment_uses_the_old_keys_setting(world: Any, settings: Any) -> None:  # noqa: F811
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PRAJA_REPORTS_SEAL_KEY = old
    c = Client()
    send(c, identity="nama", reporter_name="Saksi Lama", phone="081211119999")
    settings.PRAJA_REPORTS_SEAL_KEY, settings.PRAJA_REPORTS_SEAL_OLD_KEYS = new, old
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="PRAJA_REPORTS_SEAL_OLD_KEYS"):
        call_command("reports", "rotate-seal-key", "--generate", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("reports", "rotate-seal-key", stdout=io.StringIO(), stderr=io.StringIO())
    sealed = Report.objects.exclude(reporter_sealed="").get().reporter_sealed
    assert Fernet(new.encode()).decrypt(sealed.encode())
