"""`praja reports ...`: the reports app from the command line.

    praja reports token --agency SLUG --name NAME     a partner API token (shown once, stored as a hash)
    praja reports token --list [--agency SLUG]         the tokens (never the secrets)
    praja reports token --revoke ID                    withdraw a token (answers 401 from then on)
    praja reports import FILE.csv|FILE.xlsx [--receipts OUT.csv]   reports in bulk, validated, all or nothing
    praja reports process-pending [--grace S] [--limit N]   after-intake work a killed server never did
    praja reports rotate-seal-key [--generate] [--batch N]  re-seal every sealed identity under the current key

Each sub-command is one pair of functions (`_<name>_arguments`, `_<name>`) registered in SUBCOMMANDS, so
the parts of the app (API tokens, bulk import, ...) each keep their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from praja.base import audit

# --- token (API partners) --------------------------------------------------------------------------


def _token_arguments(parser: CommandParser) -> None:
    parser.add_argument("--agency", help="the partner agency's slug (kode instansi)")
    parser.add_argument("--name", help="what the token is for, e.g. 'JPPR relawan app'")
    parser.add_argument("--list", action="store_true", help="list tokens (never their secrets)")
    parser.add_argument("--revoke", type=int, metavar="ID", help="withdraw the token with this id")


def _token(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from praja.accounts.models import Agency
    from praja.reports.api import create_token
    from praja.reports.models import PartnerToken

    if options.get("list"):
        rows = PartnerToken.objects.select_related("agency").order_by("pk")
        if options.get("agency"):
            rows = rows.filter(agency__slug=options["agency"])
        for t in rows:
            state = "aktif" if t.active else "dicabut"
            cmd.stdout.write(f"{t.pk}\t{t.agency.slug}\t{t.name}\t{t.created_at:%Y-%m-%d %H:%M}\t{state}")
        return
    if options.get("revoke") is not None:
        row = PartnerToken.objects.filter(pk=options["revoke"]).first()
        if row is None:
            raise CommandError(f"token {options['revoke']} tidak ada / no such token")
        with audit.acting_as(audit.system_actor("reports token --revoke")):
            row.active = False
            row.save(update_fields=["active"])
        cmd.stdout.write(f"token {row.pk} ({row.agency.slug}: {row.name}) dicabut / revoked")
        return
    slug, name = options.get("agency"), (options.get("name") or "").strip()
    if not slug or not name:
        raise CommandError("--agency SLUG dan --name NAMA wajib / are required")
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise CommandError(f"instansi {slug!r} tidak ada / no such agency")
    with audit.acting_as(audit.system_actor("reports token")):
        row, token = create_token(agency, name)
    cmd.stderr.write(
        f"Token {row.pk} untuk {agency.name} ({name}). Simpan sekarang: tidak akan ditampilkan lagi.\n"
        f"Token {row.pk} for {agency.name} ({name}). Keep it now: it is never shown again.\n"
        "Pakai / use: Authorization: Bearer <token>  ->  POST /api/v1/reports"
    )
    cmd.stdout.write(token)


# --- import (bulk reports from CSV/XLSX) ----------------------------------------------------------------


def _import_arguments(parser: CommandParser) -> None:
    from pathlib import Path

    parser.add_argument("file", type=Path, help="CSV or XLSX: kategori, uraian, kode_tps/kode_wilayah, ...")
    parser.add_argument("--receipts", type=Path, default=None,
                        help="write row, receipt and PIN of each stored report to this CSV (PINs shown once)")


def _import(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from praja import exports_safe
    from praja.progress import PhaseBar
    from praja.reports.importers import import_reports

    path = options["file"]
    if not path.is_file():
        raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
    bar = PhaseBar()
    with audit.acting_as(audit.system_actor("reports import")):
        result = import_reports(path, progress=bar)
    bar.close()
    if not result.ok:
        for problem in result.problems:
            cmd.stderr.write(str(problem))
        raise CommandError(
            f"{result.file}: {len(result.problems)} masalah, tidak ada yang disimpan / "
            f"{len(result.problems)} problems, nothing stored"
        )
    if options.get("receipts"):
        with open(options["receipts"], "w", newline="", encoding="utf-8") as f:
            writer = exports_safe.csv_writer(f)
            writer.writerow(["baris", "kode_tanda_terima", "pin"])
            writer.writerows(result.receipts)
    cmd.stdout.write(
        f"{result.file}: {result.rows} baris, {result.created} laporan baru, {result.repeated} sudah ada / "
        f"{result.rows} rows, {result.created} new reports, {result.repeated} already stored"
    )


# --- process-pending (after-intake work never done) ---------------------------------------------------


def _process_pending_arguments(parser: CommandParser) -> None:
    parser.add_argument("--grace", type=float, default=0.0,
                        help="only reports received more than this many seconds ago (default 0: all)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many reports")
    parser.add_argument("--follow", action="store_true",
                        help="keep going: do each new report's work as it arrives (AFTER_INTAKE 'worker' mode)")


def _process_pending(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from praja.reports import afterwork

    before = afterwork.pending()
    with audit.acting_as(audit.system_actor("reports process-pending")):
        if options.get("follow"):
            done = afterwork.follow()
        else:
            done = afterwork.sweep(grace_s=options["grace"], limit=options["limit"])
    cmd.stdout.write(f"after-intake work done for {done} report(s); {before} were pending, "
                     f"{afterwork.pending()} still pending")


# --- rotate-seal-key (issue 14) ----------------------------------------------------------------------------


def _rotate_seal_key_arguments(parser: CommandParser) -> None:
    parser.add_argument("--generate", action="store_true",
                        help="make a new key in the key file first; the current one moves to <key file>.old "
                             "(kept for reading). With PRAJA_REPORTS_SEAL_KEY set, set the new key there and the old "
                             "one in PRAJA_REPORTS_SEAL_OLD_KEYS instead, restart, and run without --generate")
    parser.add_argument("--batch", type=int, default=500, help="identities per transaction (default 500)")


def _write_key_files(current: bytes, new: bytes) -> None:
    """The current key appended to <key file>.old (0600), then the new key put in the key file in one rename."""
    import os

    from praja.reports import sealing

    old_path, key_path = sealing.old_keys_file(), sealing._key_file()
    fd = os.open(old_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as f:
        f.write(current + b"\n")
        f.flush()
        os.fsync(f.fileno())
    tmp = key_path.with_name(f".{key_path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(new)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, key_path)
    sealing._load_key.cache_clear()


def _rotate_seal_key(cmd: BaseCommand, options: dict[str, Any]) -> None:
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.db import transaction

    from praja.progress import PhaseBar
    from praja.reports import sealing
    from praja.reports.models import Report

    previous = sealing.seal_key()
    if options.get("generate"):
        if getattr(settings, "PRAJA_REPORTS_SEAL_KEY", ""):
            raise CommandError(
                "kunci diambil dari PRAJA_REPORTS_SEAL_KEY / the key comes from PRAJA_REPORTS_SEAL_KEY: put a new key "
                "there and the current one in PRAJA_REPORTS_SEAL_OLD_KEYS, restart the servers, then run "
                "`praja reports rotate-seal-key` without --generate")
        _write_key_files(previous, Fernet.generate_key())
    current = sealing.seal_key()
    olds = sealing.old_keys()
    rows = Report.objects.exclude(reporter_sealed="").order_by("pk")
    total = rows.count()
    bar = PhaseBar(stream=cmd.stderr, desc="menyegel ulang identitas / re-sealing identities")
    resealed = already = 0
    unreadable: list[int] = []
    last_pk, done, batch = 0, 0, max(1, int(options.get("batch") or 500))
    while True:
        chunk = list(rows.filter(pk__gt=last_pk).values_list("pk", "reporter_sealed")[:batch])
        if not chunk:
            break
        with transaction.atomic():
            for pk, token in chunk:
                if sealing.sealed_with_current(token):
                    already += 1
                    continue
                try:
                    fresh = sealing.reseal(token)
                except ValueError:
                    unreadable.append(pk)
                    continue
                # compare-and-set: an identity changed meanwhile is left for the next run, never overwritten
                resealed += Report.objects.filter(pk=pk, reporter_sealed=token).update(reporter_sealed=fresh)
        last_pk, done = chunk[-1][0], done + len(chunk)
        bar("identitas", done, total)
    bar.close()
    with audit.acting_as(audit.system_actor("reports rotate-seal-key")):
        audit.record("rotate_key", "reports.seal_key", target_id=sealing.key_id(current), changes={
            "key": sealing.key_id(current), "earlier_keys": [sealing.key_id(k) for k in olds],
            "generated": bool(options.get("generate")), "resealed": resealed, "already_current": already,
            "unreadable": len(unreadable), "total": total,
        }, sensitivity="protected")
    cmd.stdout.write(
        f"kunci / key {sealing.key_id(current)}: {resealed} identitas disegel ulang / re-sealed, {already} sudah / "
        f"already current, {len(unreadable)} tidak terbaca / unreadable, dari / of {total}"
    )
    if unreadable:
        cmd.stdout.write(f"laporan tanpa kunci yang cocok / reports no known key opens (id): {unreadable[:50]}")
    if olds or options.get("generate"):
        cmd.stdout.write(
            "Simpan kunci lama (PRAJA_REPORTS_SEAL_OLD_KEYS / <key file>.old) selama masih ada PIN tanda terima lama: "
            "PIN diperiksa dengan kunci lama lalu di-hash ulang dengan kunci baru saat dipakai. / "
            "Keep the earlier keys "
            "while receipts issued before still need their PIN: it is checked with the earlier key and re-hashed."
        )
    if unreadable:
        raise CommandError(f"{len(unreadable)} identitas tidak dapat dibuka / identities could not be opened")


# --- registry -----------------------------------------------------------------------------------------

SUBCOMMANDS: dict[str, tuple[str, Callable[[CommandParser], None], Callable[[BaseCommand, dict[str, Any]], None]]] = {
    "token": ("partner API tokens for POST /api/v1/reports", _token_arguments, _token),
    "import": ("reports in bulk from CSV/XLSX, validated, all or nothing", _import_arguments, _import),
    "process-pending": ("do the after-intake work (routing, duplicates, forwarding) of reports still waiting",
                        _process_pending_arguments, _process_pending),
    "rotate-seal-key": ("re-seal every sealed identity under the current (or a new, --generate) key",
                        _rotate_seal_key_arguments, _rotate_seal_key),
}


class Command(BaseCommand):
    help = "Reports: partner API tokens, bulk import."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (help_text, arguments, _handler) in SUBCOMMANDS.items():
            arguments(sub.add_parser(name, help=help_text))

    def handle(self, *args: Any, **options: Any) -> None:
        _help, _arguments, handler = SUBCOMMANDS[options["action"]]
        handler(self, options)
