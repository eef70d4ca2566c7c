"""The second factor (TOTP): administrators and roles with protected data pass it before anything else."""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from praja.accounts.tests.fixtures import World

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-yang-panjang-42"


def token_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The token an authenticator app shows now (or `steps_ahead` periods later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def sign_in(username: str) -> Client:
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.content
    return client


@pytest.fixture
def admin_user(world: World) -> object:
    user = world.superuser
    user.set_password(PASSWORD)
    user.save()
    return user


def test_admin_with_right_password_cannot_open_home_until_totp_passes(
    admin_user: object, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting after the deliberate wrong token below
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": "root", "password": PASSWORD})
    assert r["Location"].startswith(reverse("accounts:second_factor"))
    r = client.get(reverse("situation:home"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:second_factor")
    assert client.get(reverse("accounts:person_list")).status_code == 302  # /akun/ pages are closed too
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/territory/tps").status_code == 403

    # First time: enrolment shows a QR code (inline SVG) and the secret for manual entry.
    r = client.get(reverse("accounts:second_factor"))
    body = r.content.decode()
    assert r.status_code == 200 and re.search(r'<svg[^>]*class="qr-code"', body)
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', body)
    assert secret is not None
    assert secret.group(1).replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")

    r = client.post(
        reverse("accounts:second_factor"), {"token": "000000" if token_for(device) != "000000" else "111111"}
    )
    assert r.status_code == 200 and client.get(reverse("situation:home")).status_code == 302

    r = client.post(reverse("accounts:second_factor"), {"token": token_for(device), "next": "/"})
    assert r.status_code == 302 and r["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("situation:home")).status_code == 200
    assert client.get("/api/v1/territory/tps").status_code == 200


def test_enrolled_admin_is_asked_for_a_token_not_a_new_qr(admin_user: object) -> None:
    device = TOTPDevice.objects.create(user=admin_user, name="hp", confirmed=True)
    client = sign_in("root")
    body = client.get(reverse("accounts:second_factor")).content.decode()
    assert "qr-code" not in body
    assert client.get(reverse("situation:home")).status_code == 302
    r = client.post(reverse("accounts:second_factor"), {"token": token_for(device)})
    assert r.status_code == 302
    assert client.get(reverse("situation:home")).status_code == 200
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1


def test_a_used_token_cannot_be_replayed(admin_user: object, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=admin_user, name="hp", confirmed=True)
    first = sign_in("root")
    token = token_for(device)
    assert first.post(reverse("accounts:second_factor"), {"token": token}).status_code == 302
    second = sign_in("root")
    r = second.post(reverse("accounts:second_factor"), {"token": token})
    assert r.status_code == 200
    assert second.get(reverse("situation:home")).status_code == 302
    device.refresh_from_db()
    # The next period's token is accepted (the app has moved on by then).
    r = second.post(reverse("accounts:second_factor"), {"token": token_for(device, steps_ahead=1)})
    assert r.status_code == 302


def test_role_that_manages_accounts_needs_the_second_factor(world: World) -> None:
    user = world.people["polsek_admin"].user
    user.set_password(PASSWORD)
    user.save()
    client = sign_in("polsek_admin")
    assert client.get(reverse("territory:tps_list")).status_code == 302


def test_polres_ops_user_is_not_asked(world: World) -> None:
    user = world.people["polres_ops"].user
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD})
    assert r["Location"] == reverse("situation:home")
    assert client.get(reverse("situation:home")).status_code == 200
    assert client.get(reverse("territory:tps_list")).status_code == 200
    # Opening the second-factor page sends them on; no device is made for them.
    assert client.get(reverse("accounts:second_factor")).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_second_factor_next_does_not_redirect_off_site(admin_user: object) -> None:
    device = TOTPDevice.objects.create(user=admin_user, name="hp", confirmed=True)
    client = sign_in("root")
    r = client.post(
        reverse("accounts:second_factor"), {"token": token_for(device), "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and r["Location"] == reverse("situation:home")


def test_wrong_tokens_slow_down_further_tries(admin_user: object) -> None:
    device = TOTPDevice.objects.create(user=admin_user, name="hp", confirmed=True)
    client = sign_in("root")
    wrong = "000000" if token_for(device) != "000000" else "111111"
    r = client.post(reverse("accounts:second_factor"), {"token": wrong})
    assert "Kode salah" in r.content.decode()
    # Right after a wrong token even the right one waits (django-otp's throttle doubles the wait each time).
    r = client.post(reverse("accounts:second_factor"), {"token": token_for(device)})
    assert r.status_code == 200 and "Terlalu banyak percobaan" in r.content.decode()
    assert client.get(reverse("situation:home")).status_code == 302
