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

from praja.accounts import audit
from praja.reports import sealing
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
    import hmac

    return bool(report.pin_hash) and hmac.compare_digest(report.pin_hash, pin_hash(report.receipt, pin.strip()))


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


def validate(raw: Mapping[str, Any], *, now: datetime.datetime | None = None, regency: str | None = None) -> Intake:
    """Check one report's fields (the same rules for every channel); raise IntakeError naming each field.

    Fields: category, title, description, severity (1-4 or rendah/sedang/tinggi/kritis), occurred_at (ISO 8601),
    tps (code ``35.07.01.2001/003``), region (desa/kecamatan code), latitude, longitude, place_text,
    subject_kind, subject_unit (agency id), subject_text, anonymous, reporter_name, reporter_contact, phone.

    A report that names no TPS and no region is filed under ``regency`` (the sender's served regency: a
    partner agency's), else the one regency the public channels serve (places.default_regency): without a
    region only a national scope would ever see it.
    """
    from praja.territory.models import TPS, Region

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

    severity_raw = raw.get("severity", Severity.MEDIUM)
    names = {str(label).lower(): value for value, label in Severity.choices}
    names.update({"low": 1, "medium": 2, "high": 3, "critical": 4})
    severity: int = Severity.MEDIUM
    if isinstance(severity_raw, str) and severity_raw.strip().lower() in names:
        severity = int(names[severity_raw.strip().lower()])
    else:
        try:
            severity = int(severity_raw)
        except (TypeError, ValueError):
            errors["severity"] = _("tingkat harus 1-4 (rendah, sedang, tinggi, kritis)")
        else:
            if severity not in Severity.values or isinstance(severity_raw, bool):
                errors["severity"] = _("tingkat harus 1-4 (rendah, sedang, tinggi, kritis)")

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

    tps_code = _text(raw, "tps")
    region_code = _text(raw, "region")
    if tps_code:
        if not TPS.objects.filter(pk=tps_code).exists():
            errors["tps"] = _("TPS tidak dikenal: %(v)s") % {"v": tps_code[:40]}
    if region_code:
        if not Region.objects.filter(pk=region_code).exists():
            errors["region"] = _("wilayah tidak dikenal: %(v)s") % {"v": region_code[:40]}
    if not tps_code and not region_code:
        from praja.reports import places

        fallback = places.regency_of(regency or "") if regency else ""
        if fallback and not Region.objects.filter(pk=fallback, level=Region.Level.KABUPATEN).exists():
            fallback = ""
        region_code = fallback or places.default_regency()
    latitude = _float(raw, "latitude", errors, -90.0, 90.0)
    longitude = _float(raw, "longitude", errors, -180.0, 180.0)
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors["latitude" if latitude is None else "longitude"] = _("lintang dan bujur harus diisi berdua")

    subject_kind = _text(raw, "subject_kind")
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("jenis terlapor tidak dikenal: %(v)s") % {"v": subject_kind[:40]}
    subject_unit_id = None
    unit_raw = raw.get("subject_unit")
    if unit_raw not in (None, ""):
        from praja.accounts.models import Agency

        try:
            subject_unit_id = int(unit_raw)
        except (TypeError, ValueError):
            errors["subject_unit"] = _("instansi terlapor tidak dikenal")
        else:
            if not Agency.objects.filter(pk=subject_unit_id).exists():
                errors["subject_unit"] = _("instansi terlapor tidak dikenal")

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


def _store_direct(report: Report, entry: TimelineEntry) -> None:
    """Insert the report and its first timeline entry in one transaction, without model signals.

    PostgreSQL: ONE statement (a data-modifying CTE: both INSERTs, atomic, one round trip and one commit).
    Other databases: the two INSERTs in one transaction. Columns come from the models, so a field added
    later is written like ``save()`` would write it. Used when no audit actor is set (an anonymous sender):
    nothing would be audited anyway, and this is the path that must carry voting-day load.
    """
    from django.db import connection

    rcols, rvals = _columns(report, connection)
    tcols, tvals = _columns(entry, connection, skip=("report_id",))
    rtable = connection.ops.quote_name(Report._meta.db_table)
    ttable = connection.ops.quote_name(TimelineEntry._meta.db_table)
    fk = connection.ops.quote_name(TimelineEntry._meta.get_field("report").column)
    pk = connection.ops.quote_name(str(Report._meta.pk.column))
    insert_report = f"INSERT INTO {rtable} ({', '.join(rcols)}) VALUES ({', '.join(['%s'] * len(rvals))})"
    if connection.vendor == "postgresql":
        sql = (
            f"WITH r AS ({insert_report} RETURNING {pk}) "
            f"INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) SELECT r.{pk}, {', '.join(['%s'] * len(tvals))} "
            f"FROM r RETURNING {fk}"
        )
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            with connection.cursor() as cursor:
                cursor.execute(sql, [*rvals, *tvals])
                report.pk = cursor.fetchone()[0]
            _after_commit(report.pk)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.features.can_return_columns_from_insert:
                cursor.execute(f"{insert_report} RETURNING {pk}", rvals)
                report.pk = cursor.fetchone()[0]
            else:  # pragma: no cover - every supported database returns columns
                cursor.execute(insert_report, rvals)
                report.pk = cursor.lastrowid
            cursor.execute(
                f"INSERT INTO {ttable} ({fk}, {', '.join(tcols)}) VALUES ({', '.join(['%s'] * (len(tvals) + 1))})",
                [report.pk, *tvals],
            )
            _after_commit(report.pk)
    report._state.adding = False
    report._state.db = connection.alias
    entry.report = report


def submit(
    intake: Intake,
    *,
    channel: str,
    client_key: str | None = None,
    user: Any = None,
    partner_id: int | None = None,
    actor_label: str = "",
) -> Receipt:
    """Store one validated report (and its first timeline entry) in one transaction; answer its receipt.

    The same ``client_key`` again answers the stored report's receipt with an empty PIN (the sender got
    the PIN with the first answer), and stores nothing new.

    Without an audit actor (an anonymous sender) the two rows go in through ``_store_direct``: on PostgreSQL
    one statement; no model save signals are sent for them (after_intake_hooks run on commit either way).
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
        receipt = new_receipt()
        report = Report(
            receipt=receipt, pin_hash=pin_hash(receipt, pin), client_key=key, channel=channel,
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
        try:
            if audit.current_actor() is None:
                _store_direct(report, entry)  # nobody to audit: the two INSERTs without the ORM's save machinery
            else:
                with transaction.atomic():  # a signed-in person, a partner, the CLI: model saves, audited
                    report.save(force_insert=True)
                    entry.report = report
                    entry.save(force_insert=True)
                    _after_commit(report.pk)
        except IntegrityError:
            # Optimistic: no SELECT before the INSERT; the unique client_key answers a repeat.
            if key is not None:
                existing = Report.objects.filter(client_key=key).only("pk", "receipt").first()
                if existing is not None:  # sent again (or twice at once): the first report's receipt
                    return Receipt(existing, existing.receipt, "", False)
            if attempt == 4:
                raise
            continue  # a receipt collision (about 1 in 10^17): draw again
        return Receipt(report, receipt, pin, True)
    raise RuntimeError("unreachable")
