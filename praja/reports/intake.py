"""The one way a report enters Praja, whatever the channel (public form, officer form, API, SMS/WhatsApp,
bulk import): validate, store the report and its first timeline entry in one transaction, answer a receipt.

Every channel turns its input into a plain dict and calls ``validate`` then ``submit``. The stored report
is whole when ``submit`` returns (one commit); the receipt is only answered after that commit, so a
receipt in the sender's hand always means the report is in the database.
"""

from __future__ import annotations

import contextlib
import datetime
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from praja.base import audit
from praja.reports import known, sealing
from praja.reports.models import Category, Channel, Report, Severity, SubjectKind, TimelineEntry

# Receipt alphabet: no 0/O, 1/I/L, so it can be read over the phone and typed from an SMS.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_GROUPS = 3  # XXXX-XXXX-XXXX: 31**12 ~ 8e17 codes
PIN_DIGITS = 6

TITLE_MAX = 200
DESCRIPTION_MAX = 10000


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _draw(alphabet: str, n: int) -> str:
    """``n`` characters drawn uniformly from ``alphabet`` out of one read of the system's random source
    (rejection sampling: bytes beyond the largest multiple of the alphabet's length are thrown away)."""
    size = len(alphabet)
    top = 256 - 256 % size
    out: list[str] = []
    while len(out) < n:
        out.extend(alphabet[b % size] for b in secrets.token_bytes(2 * n) if b < top)
    return "".join(out[:n])


def new_receipt() -> str:
    raw = _draw(RECEIPT_ALPHABET, 4 * RECEIPT_GROUPS)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_pin() -> str:
    return _draw("0123456789", PIN_DIGITS)


def pin_hash(receipt: str, pin: str) -> str:
    return sealing.keyed_hash(f"{receipt.upper()}:{pin}", "pin")


def check_pin(report: Report, pin: str) -> bool:
    """The PIN fits the receipt: under the current key, or an earlier one kept for reading (a seal-key rotation) or
    the derivation before HKDF; such a match re-hashes the PIN under the current key (issue 14)."""
    ok, current = sealing.keyed_hash_matches(report.pin_hash, f"{report.receipt.upper()}:{pin.strip()}", "pin")
    if ok and not current and report.pk:
        Report.objects.filter(pk=report.pk).update(pin_hash=pin_hash(report.receipt, pin.strip()))
    return ok


def normalise_receipt(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass
class Intake:
    """A validated report, ready to store."""

    category: str
    title: str
    description: str
    severity: int = Severity.MEDIUM
    occurred_at: datetime.datetime | None = None
    tps_code: str = ""
    region_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place_text: str = ""
    subject_kind: str = ""
    subject_unit_id: int | None = None
    subject_text: str = ""
    anonymous: bool = True
    reporter: dict[str, str] = field(default_factory=dict)  # name, contact, phone (sealed when stored)
    phone: str = ""  # stored (sealed, and as a keyed hash) only when the sender gave a name: '' when anonymous
    # The number as sent, for the per-number rate limit only (also an anonymous sender's): never stored.
    limit_phone: str = ""


@dataclass
class Receipt:
    report: Report
    receipt: str
    pin: str  # empty when the report was already stored under the same client key (answered before)
    created: bool


class IntakeError(ValueError):
    """Field errors: {field: message}, in the sender's language."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value.replace("\x00", "").strip()


def _float(raw: Mapping[str, Any], key: str, errors: dict[str, str], lo: float, hi: float) -> float | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[key] = _("harus berupa angka")
        return None
    if not (lo <= number <= hi):
        errors[key] = _("di luar rentang %(lo)s..%(hi)s") % {"lo": lo, "hi": hi}
        return None
    return number


def _severity(raw: Mapping[str, Any], errors: dict[str, str]) -> int:
    """1-4, or its name (rendah/sedang/tinggi/kritis, low/medium/high/critical); sedang when not given."""
    severity_raw = raw.get("severity", Severity.MEDIUM)
    names = {str(label).lower(): value for value, label in Severity.choices}
    names.update({"low": 1, "medium": 2, "high": 3, "critical": 4})
    if isinstance(severity_raw, str) and severity_raw.strip().lower() in names:
        return int(names[severity_raw.strip().lower()])
    try:
        severity = int(severity_raw)
    except (TypeError, ValueError):
        errors["severity"] = _("tingkat harus 1-4 (rendah, sedang, tinggi, kritis)")
        return int(Severity.MEDIUM)
    if severity not in Severity.values or isinstance(severity_raw, bool):
        errors["severity"] = _("tingkat harus 1-4 (rendah, sedang, tinggi, kritis)")
    return severity


def _occurred_at(raw: Mapping[str, Any], errors: dict[str, str], now: datetime.datetime) -> datetime.datetime | None:
    """When it happened: ISO 8601 date-time or date (noon), never more than 10 minutes ahead of `now`."""
    occurred_at = None
    occurred_raw = raw.get("occurred_at")
    if isinstance(occurred_raw, datetime.datetime):
        occurred_at = occurred_raw
    elif occurred_raw not in (None, ""):
        try:
            occurred_at = parse_datetime(str(occurred_raw))
        except ValueError:
            occurred_at = None
        if occurred_at is None:
            try:
                day = datetime.date.fromisoformat(str(occurred_raw))
                occurred_at = datetime.datetime.combine(day, datetime.time(12, 0))
            except ValueError:
                errors["occurred_at"] = _("waktu tidak dapat dibaca (contoh: 2024-11-27T09:30)")
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > now + datetime.timedelta(minutes=10):
            errors["occurred_at"] = _("waktu kejadian di masa depan")
    return occurred_at


def _place(raw: Mapping[str, Any], errors: dict[str, str], regency: str | None) -> tuple[str, str]:
    """(TPS code, region code), each known; a report naming neither is filed under `regency` (the sender's)
    or the one regency the public channels serve."""
    from praja.territory.models import Region

    tps_code = _text(raw, "tps")
    region_code = _text(raw, "region")
    # Places and agencies are reference data: answered from this process's memory (praja/reports/known.py).
    if tps_code and not known.tps_exists(tps_code):
        errors["tps"] = _("TPS tidak dikenal: %(v)s") % {"v": tps_code[:40]}
    if region_code and not known.region_exists(region_code):
        errors["region"] = _("wilayah tidak dikenal: %(v)s") % {"v": region_code[:40]}
    if not tps_code and not region_code:
        from praja.reports import places

        fallback = places.regency_of(regency or "") if regency else ""
        if fallback and not known.region_exists(fallback, Region.Level.KABUPATEN):
            fallback = ""
        region_code = fallback or places.default_regency()
    return tps_code, region_code


def _subject_unit(raw: Mapping[str, Any], errors: dict[str, str]) -> int | None:
    unit_raw = raw.get("subject_unit")
    if unit_raw in (None, ""):
        return None
    try:
        subject_unit_id = int(unit_raw)
    except (TypeError, ValueError):
        errors["subject_unit"] = _("instansi terlapor tidak dikenal")
        return None
    if not known.agency_exists(subject_unit_id):
        errors["subject_unit"] = _("instansi terlapor tidak dikenal")
    return subject_unit_id


def _reporter(raw: Mapping[str, Any], errors: dict[str, str]) -> tuple[bool, dict[str, str], str]:
    """(anonymous, reporter's name and contact, phone): an anonymous sender keeps nothing."""
    anonymous_raw = raw.get("anonymous", True)
    anonymous = anonymous_raw if isinstance(anonymous_raw, bool) else str(anonymous_raw).lower() in (
        "1", "true", "ya", "yes", "on")
    reporter = {k: _text(raw, f"reporter_{k}")[:200] for k in ("name", "contact")}
    phone = sealing.normalise_phone(_text(raw, "phone"))[:20]
    if anonymous:
        # The form promises an anonymous sender that nothing about them is kept: no name, no contact, no
        # number (the number only counts toward the per-number limit, through Intake.limit_phone).
        reporter = {}
    elif not (reporter["name"] or reporter["contact"] or phone):
        errors["reporter_name"] = _("isi nama atau kontak, atau pilih kirim tanpa nama")
    return anonymous, reporter, phone


def validate(raw: Mapping[str, Any], *, now: datetime.datetime | None = None, regency: str | None = None) -> Intake:
    """Check one report's fields (the same rules for every channel); raise IntakeError naming each field.

    Fields: category, title, description, severity (1-4 or rendah/sedang/tinggi/kritis), occurred_at (ISO 8601),
    tps (code ``35.07.01.2001/003``), region (desa/kecamatan code), latitude, longitude, place_text,
    subject_kind, subject_unit (agency id), subject_text, anonymous, reporter_name, reporter_contact, phone.

    A report that names no TPS and no region is filed under ``regency`` (the sender's served regency: a
    partner agency's), else the one regency the public channels serve (places.default_regency): without a
    region only a national scope would ever see it.
    """

    now = now or timezone.now()
    errors: dict[str, str] = {}

    category = _text(raw, "category")
    if category not in Category.values:
        errors["category"] = _("kategori tidak dikenal: %(v)s (pilihan: %(c)s)") % {
            "v": category or "-", "c": ", ".join(Category.values)
        }
    title = _text(raw, "title")
    description = _text(raw, "description")
    if not description:
        errors["description"] = _("uraian kejadian wajib diisi")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("uraian terlalu panjang (maks. %(n)s karakter)") % {"n": DESCRIPTION_MAX}
    if not title:
        title = description.splitlines()[0][:120] if description else ""
    if len(title) > TITLE_MAX:
        errors["title"] = _("judul terlalu panjang (maks. %(n)s karakter)") % {"n": TITLE_MAX}

    severity = _severity(raw, errors)
    occurred_at = _occurred_at(raw, errors, now)
    tps_code, region_code = _place(raw, errors, regency)
    latitude = _float(raw, "latitude", errors, -90.0, 90.0)
    longitude = _float(raw, "longitude", errors, -180.0, 180.0)
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude" if latitude is None else "longitude"] = _("lintang dan bujur harus diisi berdua")

    subject_kind = _text(raw, "subject_kind")
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("jenis terlapor tidak dikenal: %(v)s") % {"v": subject_kind[:40]}
    subject_unit_id = _subject_unit(raw, errors)
    anonymous, reporter, phone = _reporter(raw, errors)

    place_text = _text(raw, "place_text")
    for key, value, limit in (("place_text", place_text, 200), ("subject_text", _text(raw, "subject_text"), 200)):
        if len(value) > limit:
            errors[key] = _("terlalu panjang (maks. %(n)s karakter)") % {"n": limit}

    if errors:
        raise IntakeError(errors)
    return Intake(
        category=category, title=title, description=description, severity=severity, occurred_at=occurred_at,
        tps_code=tps_code, region_code=region_code, latitude=latitude, longitude=longitude, place_text=place_text,
        subject_kind=subject_kind, subject_unit_id=subject_unit_id, subject_text=_text(raw, "subject_text"),
        anonymous=anonymous, reporter={k: v for k, v in reporter.items() if v}, phone="" if anonymous else phone,
        limit_phone=phone,
    )


# The after-intake work (duplicate linking, routing, hoax forwarding): callables(report_id) registered by the
# app's ready(). They run off the sender's request, after the commit (praja/reports/afterwork.py: a worker
# thread, a Celery task or inline, by PRAJA_REPORTS["AFTER_INTAKE"]); Report.after_done_at says when.
after_intake_hooks: list[Callable[[int], None]] = []


def _after_commit(pk: int) -> None:
    from praja.reports import afterwork

    transaction.on_commit(lambda: afterwork.after_commit(pk))


_FIELDS: dict[tuple[str, str, tuple[str, ...]], tuple[list[Any], list[str]]] = {}


def _columns(obj: Any, connection: Any, skip: tuple[str, ...] = ()) -> tuple[list[str], list[Any]]:
    """Every concrete column of ``obj`` but its auto primary key, with the value a save would write
    (the field list and quoted names are worked out once per model and database)."""
    key = (obj._meta.label, connection.alias, skip)
    known = _FIELDS.get(key)
    if known is None:
        fields = [f for f in obj._meta.local_concrete_fields if not (f.primary_key or f.attname in skip)]
        known = _FIELDS[key] = (fields, [connection.ops.quote_name(f.column) for f in fields])
    fields, names = known
    return names, [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in fields]


class Refused(Exception):
    """The write's guard did not hold (a partner token withdrawn since it was read): nothing was stored."""


@dataclass(frozen=True)
class Guard:
    """A condition the database checks in the same statement that stores the report (``sql`` with ``%s``
    placeholders for ``params``): when it is false nothing is stored and ``submit`` raises ``Refused``."""

    sql: str
    params: tuple[Any, ...] = ()


def _audit_changes(report: Report, entry: TimelineEntry) -> dict[str, Any]:
    """What the audit entry of a stored report says: every column of the report as written and its first
    timeline entry. ``audit.record`` keeps the protected ones (PIN hash, sealed identity, exact point...) as
    keyed digests, never in clear (accounts/audit_protect.py)."""
    out: dict[str, Any] = {}
    for f in Report._meta.concrete_fields:
        value = getattr(report, f.attname)
        if not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)
        out[f.attname] = value
    out["timeline"] = {"id": entry.pk, "kind": entry.kind, "actor_label": entry.actor_label,
                       "channel": entry.channel, "to_status": entry.to_status}
    return out


# Called with each report just before the one write stores it (that write sends no model signals): the drill
# engine tags the reports written while it plays (registered by praja/ops/apps.py).
BEFORE_WRITE: list[Callable[[Report], None]] = []


def _write(report: Report, entry: TimelineEntry, guard: Guard | None = None) -> None:
    """Store the report and its first timeline entry (and, when someone is acting, its audit entry) at once.

    The one write of every channel. PostgreSQL: ONE statement for the rows (a data-modifying CTE: the INSERTs
    of the report, its timeline entry and, when someone is acting (a partner, an officer), its audit entry,
    atomic, one round trip), sent in autocommit: one round trip and one commit in all, and the audit entry
    commits with the report or not at all, as ``audit.record`` in the same transaction would. Inside a caller's
    transaction (a file import) a savepoint, so a refused INSERT does not spoil it. Other databases: the INSERTs
    and ``audit.record`` in one transaction. Columns come from the models, so a field added later is written as
    ``save()`` would write it; no model signals are sent (the audit entry is written here, once per report, not
    once per row). A ``guard`` is checked by the same INSERT.
    """
    from django.db import connection

    for hook in BEFORE_WRITE:
        hook(report)
    rcols, rvals = _columns(report, connection)
    tcols, tvals = _columns(entry, connection, skip=("report_id",))
    rtable = connection.ops.quote_name(Report._meta.db_table)
    ttable = connection.ops.quote_name(TimelineEntry._meta.db_table)
    fk = connection.ops.quote_name(TimelineEntry._meta.get_field("report").column)
    pk = connection.ops.quote_name(str(Report._meta.pk.column))
    tpk = connection.ops.quote_name(str(TimelineEntry._meta.pk.column))
    marks = ", ".join(["%s"] * len(rvals))
    if guard is None:
        insert_report, rparams = f"INSERT INTO {rtable} ({', '.join(rcols)}) VALUES ({marks})", list(rvals)
    else:
        insert_report = f"INSERT INTO {rtable} ({', '.join(rcols)}) SELECT {marks} WHERE {guard.sql}"
        rparams = [*rvals, *guard.params]
    actor = audit.current_actor()
    postgres = connection.vendor == "postgresql"
    # A transaction only where one is needed: two or more statements (not PostgreSQL), or a caller's
    # transaction (a savepoint, so a refused INSERT does not spoil it).
    atomic = not postgres or connection.in_atomic_block
    with transaction.atomic() if atomic else contextlib.nullcontext():
        with connection.cursor() as cursor:
            if postgres:
                sql = (f"WITH r AS ({insert_report} RETURNING {pk}), "
                       f"t AS (INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) SELECT r.{pk}, "
                       f"{', '.join(['%s'] * len(tvals))} FROM r RETURNING {fk}, {tpk})")
                params = [*rparams, *tvals]
                if actor is not None:
                    audit_sql, audit_params = _audit_insert(report, entry, connection, fk, tpk)
                    sql += f", a AS ({audit_sql})"
                    params += audit_params
                cursor.execute(f"{sql} SELECT {fk}, {tpk} FROM t", params)
                row = cursor.fetchone()
            else:
                cursor.execute(f"{insert_report} RETURNING {pk}", rparams)
                first = cursor.fetchone()
                row = None
                if first is not None:
                    cursor.execute(
                        f"INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) "
                        f"VALUES ({', '.join(['%s'] * (len(tvals) + 1))}) RETURNING {tpk}",
                        [first[0], *tvals],
                    )
                    row = (first[0], cursor.fetchone()[0])
        if row is None:
            raise Refused
        report.pk, entry.pk = row[0], row[1]
        report._state.adding = entry._state.adding = False
        report._state.db = entry._state.db = connection.alias
        entry.report = report
        if actor is not None and not postgres:
            audit.record("create", "reports.report", str(report.pk), report.region_code,
                         _audit_changes(report, entry))
        _after_commit(report.pk)


def _audit_insert(report: Report, entry: TimelineEntry, connection: Any, fk: str, tpk: str
                  ) -> tuple[str, list[Any]]:
    """The INSERT of a new report's audit entry as a step of ``_write``'s statement (PostgreSQL): the entry
    ``audit.record`` would append, whose report number (target, report reference and the "id" of its changes)
    and timeline entry number (its changes' "timeline"."id") come from the rows inserted before it (``t``)."""
    from praja.base.models import AuditEntry

    built = audit.build("create", "reports.report", "", report.region_code, _audit_changes(report, entry))
    skip = ("target_id", "report_ref", "changes")
    cols, vals = _columns(built, connection, skip=skip)
    q = connection.ops.quote_name
    field = AuditEntry._meta.get_field("changes")
    column = {f.name: q(f.column) for f in AuditEntry._meta.concrete_fields}
    set_here = ", ".join(column[n] for n in skip)
    sql = (f"INSERT INTO {q(AuditEntry._meta.db_table)} ({', '.join(cols)}, {set_here}) "
           f"SELECT {', '.join(['%s'] * len(vals))}, t.{fk}::text, t.{fk}, "
           f"jsonb_set(jsonb_set(%s::jsonb, '{{id}}', to_jsonb(t.{fk})), "
           f"'{{timeline,id}}', to_jsonb(t.{tpk})) FROM t")
    return sql, [*vals, field.get_db_prep_save(built.changes, connection=connection)]


def submit(
    intake: Intake,
    *,
    channel: str,
    client_key: str | None = None,
    user: Any = None,
    partner_id: int | None = None,
    actor_label: str = "",
    guard: Guard | None = None,
) -> Receipt:
    """Store one validated report (and its first timeline entry, and its audit entry when someone is acting)
    and answer its receipt. Every channel comes here; the write is ``_write``'s (one statement on PostgreSQL,
    beside the audit entry when there is one). When it returns, the report is committed (or in the caller's
    transaction, for a file import): a receipt answered after it is never for a report that can be lost.

    The same ``client_key`` again answers the stored report's receipt with an empty PIN (the sender got
    the PIN with the first answer), and stores nothing new. A ``guard`` that does not hold raises ``Refused``.
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    key = (client_key or "").strip()[:80] or None
    pin = new_pin()
    sealed = ""
    if intake.reporter or intake.phone:
        payload = dict(intake.reporter)
        if intake.phone:
            payload["phone"] = intake.phone
        sealed = sealing.seal(payload)
    now = timezone.now()
    created_by = user if getattr(user, "is_authenticated", False) else None
    for attempt in range(5):
        report, entry = build(intake, channel=channel, client_key=key, pin=pin, sealed=sealed, now=now,
                              created_by=created_by, partner_id=partner_id, actor_label=actor_label)
        try:
            _write(report, entry, guard)
        except IntegrityError:
            # Optimistic: no SELECT before the INSERT; the unique client_key answers a repeat.
            if key is not None:
                existing = Report.objects.filter(client_key=key).only("pk", "receipt").first()
                if existing is not None:  # sent again (or twice at once): the first report's receipt
                    return Receipt(existing, existing.receipt, "", False)
            known.forget()  # a place or agency remembered as existing may be gone: ask again next time
            if attempt == 4:
                raise
            continue  # a receipt collision (about 1 in 10^17): draw again
        return Receipt(report, report.receipt, pin, True)
    raise RuntimeError("unreachable")


def build(intake: Intake, *, channel: str, client_key: str | None, pin: str, sealed: str, now: datetime.datetime,
          created_by: Any = None, partner_id: int | None = None, actor_label: str = "",
          ) -> tuple[Report, TimelineEntry]:
    """The unsaved report (with a fresh receipt and the PIN's keyed hash) and its first timeline entry."""
    receipt = new_receipt()
    report = Report(
        receipt=receipt, pin_hash=pin_hash(receipt, pin), client_key=client_key, channel=channel,
        category=intake.category, severity=intake.severity, title=intake.title, description=intake.description,
        occurred_at=intake.occurred_at, received_at=now, region_id=intake.region_code or None,
        tps_id=intake.tps_code or None, latitude=intake.latitude, longitude=intake.longitude,
        place_text=intake.place_text, subject_kind=intake.subject_kind, subject_unit_id=intake.subject_unit_id,
        subject_text=intake.subject_text, anonymous=intake.anonymous, reporter_sealed=sealed,
        phone_hash=sealing.keyed_hash(intake.phone, "phone") if intake.phone else "",
        partner_id=partner_id, created_by=created_by,
    )
    if report.tps_id and not report.region_id:
        report.region_id = report.tps_id.split("/")[0]
    entry = TimelineEntry(
        at=now, kind=TimelineEntry.Kind.CREATED, actor=created_by,
        actor_label=actor_label or _("pelapor"), channel=channel, to_status=report.status,
        visible_to_sender=True,
    )
    return report, entry


BATCH_ROWS = 200  # reports per INSERT of a file import (SQLite allows 32,766 parameters a statement)


def submit_many(
    items: list[tuple[Intake, str]], *, channel: str, user: Any = None, actor_label: str = "",
) -> list[Receipt]:
    """Store many validated reports, each with its client key (a file import): ``BATCH_ROWS`` reports and
    their first timeline entries per statement instead of one statement each, in the caller's transaction
    (``importers.import_reports`` holds one for the whole file and writes one audit entry for it). A key
    stored before answers its first receipt with an empty PIN, as ``submit`` does. Receipts in input order.
    """
    from django.db import connection

    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    now = timezone.now()
    created_by = user if getattr(user, "is_authenticated", False) else None
    answers: list[Receipt] = []
    for start in range(0, len(items), BATCH_ROWS):
        chunk = items[start : start + BATCH_ROWS]
        for attempt in range(5):
            built: list[tuple[Report, TimelineEntry, str]] = []
            for item, key in chunk:
                pin = new_pin()
                sealed = ""
                if item.reporter or item.phone:
                    sealed = sealing.seal({**item.reporter, **({"phone": item.phone} if item.phone else {})})
                report, entry = build(item, channel=channel, client_key=key, pin=pin, sealed=sealed, now=now,
                                      created_by=created_by, actor_label=actor_label)
                built.append((report, entry, pin))
            try:
                with transaction.atomic():
                    stored = _write_many(connection, [(r, e) for r, e, _p in built])
            except IntegrityError:
                if attempt == 4:
                    raise
                continue  # a receipt collision (about 1 in 10^17 a row): draw the chunk's receipts again
            break
        repeated = [key for _i, key in chunk if key not in stored]  # stored by an earlier import of the file
        earlier = {k: (pk, receipt) for k, pk, receipt in
                   Report.objects.filter(client_key__in=repeated).values_list("client_key", "pk", "receipt")}
        for (report, _entry, pin), (_item, key) in zip(built, chunk, strict=True):
            if key in stored:
                report.pk = stored[key]
                report._state.adding = False
                report._state.db = connection.alias
                answers.append(Receipt(report, report.receipt, pin, True))
                _after_commit(report.pk)
            else:
                pk, receipt = earlier[key]
                answers.append(Receipt(Report(pk=pk, receipt=receipt), receipt, "", False))
    return answers


def _write_many(connection: Any, rows: list[tuple[Report, TimelineEntry]]) -> dict[str, int]:
    """INSERT the reports (a key stored before is skipped: ON CONFLICT DO NOTHING) and the first timeline entry
    of each one inserted; answers {client key: new report id}. PostgreSQL: one statement; SQLite: two."""
    template = rows[0][1]
    tcols, tvals = _columns(template, connection, skip=("report_id",))
    names: list[str] = []
    params: list[Any] = []
    for report, entry in rows:
        for hook in BEFORE_WRITE:
            hook(report)
        if (entry.at, entry.actor_id, entry.actor_label, entry.channel) != (
                template.at, template.actor_id, template.actor_label, template.channel):
            raise ValueError("submit_many: one timeline entry template per batch")
        names, values = _columns(report, connection)
        params.extend(values)
    q = connection.ops.quote_name
    rtable, ttable = q(Report._meta.db_table), q(TimelineEntry._meta.db_table)
    fk, pk, key = q(TimelineEntry._meta.get_field("report").column), q(str(Report._meta.pk.column)), q("client_key")
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    insert = (f"INSERT INTO {rtable} ({', '.join(names)}) VALUES {', '.join([one] * len(rows))} "
              f"ON CONFLICT ({key}) DO NOTHING RETURNING {pk}, {key}")
    marks = ", ".join(["%s"] * len(tvals))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH r AS ({insert}), t AS (INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) "
                f"SELECT r.{pk}, {marks} FROM r) SELECT {pk}, {key} FROM r",
                [*params, *tvals],
            )
            stored = {k: int(i) for i, k in cursor.fetchall()}
        else:
            cursor.execute(insert, params)
            stored = {k: int(i) for i, k in cursor.fetchall()}
            if stored:
                one_t = "(" + ", ".join(["%s"] * (len(tvals) + 1)) + ")"
                cursor.execute(
                    f"INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) VALUES {', '.join([one_t] * len(stored))}",
                    [v for i in stored.values() for v in (i, *tvals)],
                )
    return stored
