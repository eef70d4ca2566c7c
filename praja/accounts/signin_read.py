"""Who is signed in, read in two statements: the session row, then the user with their person, the person's
agency and role assignments joined; and a session written in one.

Django reads a signed-in request's identity with three ORM queries (the session, the user, then the person's
roles in ``SecondFactorMiddleware``), each compiled from a queryset on every request: two fifths of the
CPU an officer's report cost in-process (3.9 -> 2.3 ms; docs/reports-performance.md, run 5). Here the same rows are read
with statements built once per process and their values passed through the same field converters the ORM
uses, so the objects are the ones the ORM would have made.

A session is written in one statement in autocommit (INSERT for a new one, UPDATE for a changed one) instead of
Django's existence check, BEGIN, the ORM write and COMMIT (four round trips): the public form creates one for
every new browser, to show its receipt and PIN once. A new key is not looked up first: the INSERT refuses a key
already taken (the primary key) and Django's ``create`` draws another, as it does when its look-up was beaten by
a concurrent insert. Inside a caller's transaction the write is Django's own (a savepoint).

What stays Django's: how a session is cycled and flushed; the login itself; every
unusual case of ``auth.get_user`` (a session written by another backend, a session hash that matches only
an old secret key, a backend whose ``get_user`` was changed): those go to Django's own code unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import _get_user_session_key  # type: ignore[attr-defined]  # what get_user uses
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db as db_sessions
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.db import IntegrityError, connections, router
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SessionStore(db_sessions.SessionStore):
    """The database session store (same table, same rows) whose read and write are one fixed statement each.

    ``SESSION_ENGINE = "praja.accounts.signin_read"``. Creating (its retry loop), cycling and deleting are Django's."""

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                           [key, now])
            row = cursor.fetchone()
        if row is None:  # none, or expired: as the ORM's DoesNotExist
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])

    def _get_new_session_key(self) -> str:
        """A random key, not looked up first (``create`` retries when the INSERT finds it taken)."""
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        if connection.in_atomic_block:  # a caller's transaction: Django's write, in a savepoint
            return super().save(must_create)
        store: Any = self  # Django's private helpers, as its own save() uses them
        data = store._get_session(no_load=must_create)
        ops = connection.ops
        table = ops.quote_name(self.model._meta.db_table)
        expire = ops.adapt_datetimefield_value(self.get_expiry_date())
        key, encoded = store._get_or_create_session_key(), self.encode(data)
        with connection.cursor() as cursor:
            if must_create:
                try:
                    cursor.execute(f"INSERT INTO {table} (session_key, session_data, expire_date) VALUES (%s, %s, %s)",
                                   [key, encoded, expire])
                except IntegrityError as exc:  # the key is taken: create() draws another
                    raise CreateError from exc
                return None
            cursor.execute(f"UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s",
                           [encoded, expire, key])
            if cursor.rowcount != 1:  # deleted meanwhile (signed out elsewhere): as Django, UpdateError
                raise UpdateError
        return None


class _Reader:
    """The joined statement of one database, and the converters of its columns."""

    def __init__(self, alias: str) -> None:
        from praja.accounts.models import Agency, Person, RoleAssignment

        self.alias = alias
        connection = connections[alias]
        qn = connection.ops.quote_name
        user_model = auth.get_user_model()
        self.models: list[type[Model]] = [user_model, Person, Agency, RoleAssignment]
        self.fields = [list(m._meta.concrete_fields) for m in self.models]
        self.names = [[f.attname for f in fields] for fields in self.fields]
        columns = []
        for table_alias, fields in zip(("u", "p", "g", "a"), self.fields, strict=True):
            columns += [f"{table_alias}.{qn(f.column)}" for f in fields]
        user_pk = qn(user_model._meta.pk.column)
        person_user = qn(Person._meta.get_field("user").column)
        person_pk = qn(Person._meta.pk.column)
        person_agency = qn(Person._meta.get_field("agency").column)
        agency_pk = qn(Agency._meta.pk.column)
        assignment_person = qn(RoleAssignment._meta.get_field("person").column)
        meta: Any = RoleAssignment._meta
        order = ", ".join(  # RoleAssignment's own ordering, as the ORM read used it
            f"a.{qn(meta.get_field(name.lstrip('-')).column)}{' DESC' if name.startswith('-') else ''}"
            for name in meta.ordering
        )
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {qn(user_model._meta.db_table)} u"
            f" LEFT JOIN {qn(Person._meta.db_table)} p ON p.{person_user} = u.{user_pk}"
            f" LEFT JOIN {qn(Agency._meta.db_table)} g ON g.{agency_pk} = p.{person_agency}"
            f" LEFT JOIN {qn(RoleAssignment._meta.db_table)} a ON a.{assignment_person} = p.{person_pk}"
            f" WHERE u.{user_pk} = %s" + (f" ORDER BY {order}" if order else "")
        )
        # each column's expression and the converters the ORM would apply to it
        self.converters: list[tuple[Any, list[Callable[..., Any]]]] = []
        field: Any
        for model, fields in zip(self.models, self.fields, strict=True):
            for field in fields:
                col = field.get_col(model._meta.db_table)
                self.converters.append(
                    (col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)))

    def read(self, user_pk: Any) -> Any:
        """The user with ``user.person`` and ``person.assignments.all()`` answered from memory; None when there
        is no such user."""
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [user_pk])
            rows = cursor.fetchall()
        if not rows:
            return None
        n_user, n_person, n_agency = (len(n) for n in self.names[:3])
        user = person = None
        assignments = []
        for raw in rows:
            values = self._convert(raw, connection)
            if user is None:
                user = self.models[0].from_db(self.alias, self.names[0], values[:n_user])
                person_values = values[n_user:n_user + n_person]
                if person_values[0] is not None:
                    person = self.models[1].from_db(self.alias, self.names[1], person_values)
                    agency_values = values[n_user + n_person:n_user + n_person + n_agency]
                    person._state.fields_cache["agency"] = self.models[2].from_db(
                        self.alias, self.names[2], agency_values)
            assignment_values = values[n_user + n_person + n_agency:]
            if assignment_values[0] is not None:
                assignments.append(self.models[3].from_db(self.alias, self.names[3], assignment_values))
        attach_person(user, person, assignments)
        return user

    def _convert(self, raw: Sequence[Any], connection: Any) -> list[Any]:
        values = list(raw)
        for i, (col, converters) in enumerate(self.converters):
            value = values[i]
            if value is None:
                continue
            for convert in converters:
                value = convert(value, col, connection)
            values[i] = value
        return values


_readers: dict[str, _Reader] = {}


def read_user(user_pk: Any) -> Any:
    """The user (with person, agency and role assignments) in one statement, or None."""
    alias = router.db_for_read(auth.get_user_model())
    reader = _readers.get(alias)
    if reader is None:
        reader = _readers[alias] = _Reader(alias)
    return reader.read(user_pk)


def attach_person(user: Any, person: Any, assignments: list[Any]) -> None:
    """Fill the caches the ORM would: ``user.person`` (None: it raises, as Django does) and the person's
    ``assignments.all()`` as if prefetched. Adding or removing an assignment through the person's manager
    forgets the prefetch (Django does)."""
    from praja.accounts.models import RoleAssignment

    user._state.fields_cache["person"] = person
    if person is None:
        return
    person._state.fields_cache["user"] = user
    for row in assignments:
        row._state.fields_cache["person"] = person
    queryset: Any = person.assignments.all()
    queryset._result_cache = assignments
    queryset._prefetch_done = True
    cache_name = RoleAssignment._meta.get_field("person").remote_field.cache_name
    setattr(person, "_prefetched_objects_cache", {cache_name: queryset})  # noqa: B010 - Django's own attribute


def get_user(request: Any) -> Any:
    """``django.contrib.auth.get_user`` for a session written by ``ModelBackend`` (every sign-in of Praja):
    the user read by ``read_user``, refused when inactive (as ``ModelBackend.user_can_authenticate``), and kept
    only when the session's hash matches the current secret key. Anything else (no user in the session,
    another backend, a hash to check against the fallback keys or to flush) is Django's own ``get_user``."""
    from django.contrib.auth.models import AnonymousUser

    session = request.session
    try:
        user_id = _get_user_session_key(request)
        backend_path = session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path != MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    backend: Any = auth.load_backend(backend_path)
    if type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    user = read_user(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return AnonymousUser()
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return user
    return auth.get_user(request)  # no hash, or an old key's: Django cycles or flushes the session
