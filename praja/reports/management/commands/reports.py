"""`praja reports ...`: the reports app from the command line.

    praja reports token --agency SLUG --name NAME     a partner API token (shown once, stored as a hash)
    praja reports token --list [--agency SLUG]         the tokens (never the secrets)
    praja reports token --revoke ID                    withdraw a token (answers 401 from then on)
    praja reports import FILE.csv|FILE.xlsx [--receipts OUT.csv]   reports in bulk, validated, all or nothing
    praja reports process-pending [--grace S] [--limit N]   after-intake work a killed server never did

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


# --- registry -----------------------------------------------------------------------------------------

SUBCOMMANDS: dict[str, tuple[str, Callable[[CommandParser], None], Callable[[BaseCommand, dict[str, Any]], None]]] = {
    "token": ("partner API tokens for POST /api/v1/reports", _token_arguments, _token),
    "import": ("reports in bulk from CSV/XLSX, validated, all or nothing", _import_arguments, _import),
    "process-pending": ("do the after-intake work (routing, duplicates, forwarding) of reports still waiting",
                        _process_pending_arguments, _process_pending),
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
