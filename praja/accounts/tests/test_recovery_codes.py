"""Recovery codes for the second factor: asked for on the security page, shown once, each usable once at the
second factor instead of the TOTP code, replaced as a set, audited without the codes in clear."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from praja.accounts.tests.fixtures import World, client_for
from praja.base.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-yang-panjang-42"
CODE = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def admin_user(world: World, settings: Any) -> Any:
    """An administrator (owes the second factor) with an authenticator on their phone."""
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # no waiting between the deliberate wrong codes below
    user = world.superuser
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="hp", confirmed=True)
    return user


def ask_for_codes(user: Any) -> list[str]:
    """Signed in with the phone: the security page makes new codes and shows them."""
    client = client_for(user)
    r = client.post(reverse("accounts:security"), {"action": "codes"})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    codes = CODE.findall(r.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    return codes


def sign_in_without_phone(code: str) -> tuple[Client, Any]:
    """The password, then a recovery code on the second-factor page; (client, answer to the code)."""
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": "root", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:second_factor"))
    page = client.get(reverse("accounts:second_factor")).content.decode()
    assert "Ponsel hilang? Masuk dengan kode pemulihan" in page
    return client, client.post(reverse("accounts:second_factor"), {"recovery_code": code, "next": "/"})


def test_a_person_who_lost_their_phone_signs_in_with_a_recovery_code(admin_user: Any) -> None:
    codes = ask_for_codes(admin_user)
    client, r = sign_in_without_phone(codes[3].upper().replace("-", " "))  # as typed from paper
    assert r.status_code == 302 and r["Location"] == "/"
    home = client.get(reverse("situation:home"))
    assert home.status_code == 200
    assert "sisa 9 kode" in home.content.decode()  # the warning names the codes left
    used = AuditEntry.objects.filter(action="login_recovery_code").latest("seq")
    assert used.actor_label == "root" and used.changes == {"remaining": 9}


def test_the_same_code_fails_the_second_time(admin_user: Any) -> None:
    codes = ask_for_codes(admin_user)
    _, first = sign_in_without_phone(codes[0])
    assert first.status_code == 302
    client, again = sign_in_without_phone(codes[0])
    assert again.status_code == 200 and "Kode pemulihan salah atau sudah dipakai." in again.content.decode()
    assert client.get(reverse("situation:home")).status_code == 302  # still owes the second factor
    _, other = sign_in_without_phone(codes[1])
    assert other.status_code == 302


def test_new_codes_make_the_old_ones_useless(admin_user: Any) -> None:
    old = ask_for_codes(admin_user)
    new = ask_for_codes(admin_user)
    assert not set(old) & set(new)
    _, r = sign_in_without_phone(old[0])
    assert r.status_code == 200 and "Kode pemulihan salah atau sudah dipakai." in r.content.decode()
    _, r = sign_in_without_phone(new[0])
    assert r.status_code == 302
    made = AuditEntry.objects.filter(action="recovery_codes_generated").order_by("seq")
    assert [e.changes for e in made] == [{"count": 10, "replaced_unused": 0}, {"count": 10, "replaced_unused": 10}]


def test_codes_are_shown_once_and_kept_nowhere_in_clear(admin_user: Any) -> None:
    codes = ask_for_codes(admin_user)
    client = client_for(admin_user)
    page = client.get(reverse("accounts:security")).content.decode()
    assert not CODE.findall(page) and "Sisa 10 kode pemulihan yang belum dipakai." in page
    plain = {c.replace("-", "") for c in codes}
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10 and not stored & plain and not stored & set(codes)
    sign_in_without_phone(codes[0])  # the used token's deletion is audited too
    log = json.dumps([e.changes for e in AuditEntry.objects.all()])
    assert not any(c in log or c.replace("-", "") in log for c in codes)
    assert not any(t in log for t in stored)  # not even the stored digests: the token field is protected


def test_codes_are_never_given_on_a_password_alone(admin_user: Any) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "root", "password": PASSWORD})
    r = client.post(reverse("accounts:security"), {"action": "codes"})
    assert r.status_code == 302 and r["Location"] == reverse("accounts:second_factor")
    assert not StaticToken.objects.exists()


def test_a_new_phone_is_enrolled_after_signing_in_with_a_code(admin_user: Any) -> None:
    codes = ask_for_codes(admin_user)
    client, _ = sign_in_without_phone(codes[0])
    r = client.post(reverse("accounts:security"), {"action": "reenrol"})
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:second_factor"))
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    page = client.get(r["Location"]).content.decode()
    assert 'class="qr-code"' in page  # the new phone's QR code
    assert AuditEntry.objects.filter(action="second_factor_reset", actor_label="root").exists()


def test_the_security_page_speaks_english_after_the_switch(admin_user: Any) -> None:
    client = client_for(admin_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.post(reverse("accounts:security"), {"action": "codes"})
    body = r.content.decode()
    assert "Recovery codes" in body and "shown only once" in body
