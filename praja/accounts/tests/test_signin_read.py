"""Who is signed in, read in two statements (praja/accounts/signin_read.py): the same user, person and roles the
ORM reads, and every way a session stops being valid still signs the person out at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from praja.accounts import signin_read
from praja.accounts.models import Person, RoleAssignment
from praja.accounts.tests.fixtures import World, client_for

pytestmark = pytest.mark.django_db

PAGE = "territory:tps_list"  # a page for signed-in people with a capability the officers hold


def _signed_in(client: Client) -> bool:
    r = client.get(reverse(PAGE))
    return r.status_code == 200


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_it_reads_the_user_person_and_roles_the_orm_reads(world: World) -> None:
    person = world.people["officer"]
    held = person.assignments.get()
    RoleAssignment.objects.create(person=person, role="polsek_leader", region_id=held.region_id, active=False)
    user = signin_read.read_user(person.user.pk)
    orm_user = get_user_model().objects.get(pk=person.user.pk)
    assert _fields(user) == _fields(orm_user)  # dates, booleans and text typed as the ORM types them
    assert _fields(user.person) == _fields(Person.objects.get(pk=person.pk))
    assert _fields(user.person.agency) == _fields(person.agency)  # the agency read with them (scope, visibility)
    orm_rows = list(RoleAssignment.objects.filter(person=person))
    assert [_fields(a) for a in user.person.assignments.all()] == [_fields(a) for a in orm_rows]
    assert len(orm_rows) == 2 and user.person.capabilities() == person.capabilities()
    assert user.person.assignments.all()[0].person is user.person  # no further read behind the objects


def test_a_user_without_a_person_reads_as_one(world: World) -> None:
    user = signin_read.read_user(world.superuser.pk)
    assert user.username == world.superuser.username
    with pytest.raises(Person.DoesNotExist):
        user.person  # noqa: B018 - as Django answers for a user with no person
    assert signin_read.read_user(10**9) is None


def test_a_signed_in_persons_identity_takes_two_statements(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.people["officer"].user, second_factor=False)
    with CaptureQueriesContext(connection) as ctx:
        assert _signed_in(client)
    identity = [q["sql"] for q in ctx.captured_queries
                if any(t in q["sql"] for t in ('"django_session"', '"auth_user"', '"accounts_person"',
                                                '"accounts_agency"', '"accounts_roleassignment"'))]
    assert len(identity) == 2, identity


def test_a_changed_password_signs_the_session_out(world: World) -> None:
    user = world.people["officer"].user
    client = client_for(user, second_factor=False)
    assert _signed_in(client)
    user.set_password("a new password, changed elsewhere")
    user.save()
    r = client.get(reverse(PAGE))
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]
    assert not Session.objects.exists()  # Django flushes it, as before


def test_a_deactivated_user_is_signed_out_at_once(world: World) -> None:
    user = world.people["officer"].user
    client = client_for(user, second_factor=False)
    assert _signed_in(client)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not _signed_in(client)


def test_an_expired_or_deleted_session_is_signed_out(world: World) -> None:
    client = client_for(world.people["officer"].user, second_factor=False)
    assert _signed_in(client)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not _signed_in(client)
    client = client_for(world.people["officer"].user, second_factor=False)
    Session.objects.all().delete()
    assert not _signed_in(client)


def test_a_deleted_user_is_signed_out(world: World) -> None:
    person = world.people["other_officer"]
    client = client_for(person.user, second_factor=False)
    assert _signed_in(client)
    person.user.delete()
    assert not _signed_in(client)


def test_a_session_of_an_older_secret_key_is_kept_by_djangos_own_rule(world: World, settings: Any) -> None:
    user = world.people["officer"].user
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="an older key " + "x" * 40):
        client = client_for(user, second_factor=False)
    with override_settings(SECRET_KEY_FALLBACKS=["an older key " + "x" * 40]):
        assert settings.SECRET_KEY == old
        assert _signed_in(client)  # Django's get_user cycles the session onto the current key
    assert _signed_in(client)
    with override_settings(SECRET_KEY="yet another key " + "y" * 40):
        assert not _signed_in(client)


def test_a_session_is_created_and_changed_in_one_statement_each(transactional_db: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from praja.accounts.signin_read import SessionStore

    store = SessionStore()
    store["shown"] = ["ABCD-EFGH-JKLM", "123456"]
    with CaptureQueriesContext(connection) as ctx:
        store.save()
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    again = SessionStore(store.session_key)
    assert again["shown"] == ["ABCD-EFGH-JKLM", "123456"]
    again["followed"] = ["ABCD-EFGH-JKLM"]
    with CaptureQueriesContext(connection) as ctx:
        again.save()
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"]
    assert SessionStore(store.session_key)["followed"] == ["ABCD-EFGH-JKLM"]
    assert Session.objects.get(session_key=store.session_key).expire_date > timezone.now()


def test_a_new_key_already_taken_is_drawn_again_and_the_other_session_kept(
        transactional_db: Any, monkeypatch: Any) -> None:
    from praja.accounts import signin_read as module

    first = module.SessionStore()
    first["who"] = "first"
    first.save()
    keys = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(module, "get_random_string", lambda *_a: next(keys))
    second = module.SessionStore()
    second["who"] = "second"
    second.create()
    assert second.session_key == "k" * 32
    assert module.SessionStore(first.session_key)["who"] == "first"  # the taken key's session untouched


def test_saving_a_session_deleted_meanwhile_is_refused_as_django_does(transactional_db: Any) -> None:
    from django.contrib.sessions.backends.base import UpdateError

    from praja.accounts.signin_read import SessionStore

    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).delete()  # signed out on another device
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()
