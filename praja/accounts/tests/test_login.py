"""Signing in and out, and the lockout after repeated failures (django-axes)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import World
from praja.base.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "kata-sandi-yang-panjang-42"


@pytest.fixture
def ops_user(world: World) -> object:
    user = world.people["polres_ops"].user
    user.set_password(PASSWORD)
    user.save()
    return user


def test_right_password_signs_in_and_lands_on_home(ops_user: object) -> None:
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("situation:home")
    assert client.get(reverse("situation:home")).status_code == 200


def test_sign_in_is_recorded_in_the_audit_log(ops_user: object) -> None:
    Client().post(
        reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    entry = AuditEntry.objects.filter(action="login").latest("seq")
    assert entry.actor_label == "polres_ops" and entry.address == "10.9.8.7"


def test_wrong_password_is_refused_and_counted(ops_user: object) -> None:
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": "polres_ops", "password": "salah"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="polres_ops")
    assert attempt.failures_since_start == 1


def test_too_many_failures_lock_out_even_the_right_password(ops_user: object) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "polres_ops", "password": "salah"})
    r = client.post(reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD})
    assert r.status_code == 429
    body = r.content.decode()
    assert "Akun terkunci sementara" in body and "Account temporarily locked" in body
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("situation:home")).status_code == 302  # still signed out


def test_lockout_is_per_username_and_address(ops_user: object, world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "polres_ops", "password": "salah"})
    # Someone else at another address can still sign in as that user.
    r = Client(REMOTE_ADDR="10.0.0.99").post(
        reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD}
    )
    assert r.status_code == 302


def test_logout_needs_post(ops_user: object) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "polres_ops", "password": PASSWORD})
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("situation:home")).status_code == 200  # still signed in
    r = client.post(reverse("accounts:logout"))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:login")
    assert client.get(reverse("situation:home")).status_code == 302


def test_pages_need_sign_in(world: World) -> None:
    client = Client()
    for url in (
        reverse("territory:tps_list"),
        reverse("accounts:person_list"),
        reverse("accounts:audit_list"),
    ):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login")), url
    assert client.get("/api/v1/territory/tps").status_code == 401
