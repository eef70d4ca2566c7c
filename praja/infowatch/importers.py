"""Imports: social posts (JSON lines or CSV: text, author, time, url, reach) and fact-checks (CSV).

Both check the whole file first; any bad row (an unparseable JSON line, a time or reach that is not one,
a url that is not http(s), a missing text column) rejects the file with file, row and field named, and
nothing is written. Texts themselves are never rejected: HTML, script, empty, very long, other languages
and broken encodings are stored as they came, with flags (services_input). Posts that repeat one another
(or an item of the last days) are counted on the first one, not stored twice.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone

from praja.base import audit
from praja.infowatch import services
from praja.infowatch.models import Channel, FactCheck
from praja.infowatch.services_input import decode
from praja.territory.cells import display_value, is_blank, normalise_header
from praja.territory.import_report import Problem

Progress = Callable[[str, int, int], None]

POST_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "teks", "isi", "content", "konten", "message", "pesan", "full_text", "tweet", "body"),
    "author": ("author", "penulis", "akun", "user", "username", "screen_name", "account"),
    "time": ("time", "waktu", "date", "tanggal", "created_at", "timestamp", "published_at"),
    "url": ("url", "link", "tautan", "permalink"),
    "reach": ("reach", "jangkauan", "views", "impressions", "tayangan", "followers", "pengikut"),
    "title": ("title", "judul"),
}
_ALIAS = {a: c for c, aliases in POST_COLUMNS.items() for a in aliases}

MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "peb": 2, "mar": 3, "maret": 3,
    "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7,
    "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "nopember": 11,
    "november": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_DMY = re.compile(r"^(\d{1,2})[\s\-/]+([A-Za-z]+)\.?[\s\-/]+(\d{4})(?:[,\s]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")


def parse_time(value: object) -> datetime.datetime | None:
    """ISO 8601, 'YYYY-MM-DD HH:MM[:SS]', '2 Jan 2024' / '2 Januari 2024 10:00', or Unix seconds.
    Raises ValueError for anything else; None for blank."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
    else:
        text = str(value).strip()
        if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
            dt = datetime.datetime.fromtimestamp(float(text), tz=datetime.UTC)
        else:
            m = _DMY.match(text)
            if m:
                month = MONTHS.get(m.group(2).lower())
                if month is None:
                    raise ValueError(text)
                dt = datetime.datetime(int(m.group(3)), month, int(m.group(1)), int(m.group(4) or 0),
                                       int(m.group(5) or 0), int(m.group(6) or 0))
            else:
                dt = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


def parse_reach(value: object) -> int:
    if is_blank(value):
        return 0
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    else:
        text = str(value).strip().replace(".", "").replace(",", "").replace("_", "")
        if not re.fullmatch(r"\d+", text):
            raise ValueError(value)
        n = int(text)
    if n < 0:
        raise ValueError(value)
    return n


@dataclass
class PostRow:
    number: int
    text: str
    title: str = ""
    author: str = ""
    time: datetime.datetime | None = None
    url: str = ""
    reach: int = 0


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    created: int = 0
    grouped: int = 0  # rows counted on a near-duplicate instead of stored
    problems: list[Problem] = field(default_factory=list)
    broken_encoding: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    csv.field_size_limit(sys.maxsize)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t", "|"), key=first.count) if first else ","
    if first and first.count(delimiter) == 0:
        delimiter = ","
    yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def _records(file_name: str, text: str, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {canonical column: value}) from JSON lines or CSV."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json") or text.lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(Problem(file_name, number, "", line[:100], f"JSON tidak sah / invalid JSON: {e.msg}"))
                continue
            if not isinstance(obj, dict):
                problems.append(Problem(file_name, number, "", line[:100],
                                        "baris bukan objek JSON / the line is not a JSON object"))
                continue
            row: dict[str, Any] = {}
            for k, v in obj.items():
                col = _ALIAS.get(normalise_header(k))
                if col and col not in row:
                    row[col] = v
            yield number, row
        return
    header: dict[str, int] | None = None
    try:
        for number, cells in _csv_records(text):
            if header is None:
                if all(is_blank(c) for c in cells):
                    continue
                header = {}
                for i, c in enumerate(cells):
                    col = _ALIAS.get(normalise_header(c))
                    if col and col not in header:
                        header[col] = i
                if "text" not in header:
                    problems.append(Problem(file_name, None, "text", "", "kolom wajib text (isi) tidak ada / "
                                            "required column text is missing"))
                    return
                continue
            if all(is_blank(c) for c in cells):
                continue
            yield number, {col: (cells[i] if i < len(cells) else None) for col, i in header.items()}
    except csv.Error as e:
        problems.append(Problem(file_name, None, "", "", f"CSV rusak / malformed CSV: {e}"))
    if header is None:
        problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))


def read_posts(file_name: str, data: bytes) -> tuple[list[PostRow], list[Problem], bool]:
    text, broken = decode(data)
    if "\x00" in text[:4096] and not text.lstrip().startswith("{"):
        return [], [Problem(file_name, None, "", "", "berkas biner, bukan CSV/JSONL / binary file")], broken
    problems: list[Problem] = []
    rows: list[PostRow] = []
    for number, rec in _records(file_name, text, problems):
        if "text" not in rec and "title" not in rec:
            problems.append(Problem(file_name, number, "text", "", "tidak ada isi / no text field"))
            continue
        bad = False
        try:
            when = parse_time(rec.get("time"))
        except (ValueError, OverflowError, OSError):
            problems.append(Problem(file_name, number, "time", display_value(rec.get("time")),
                                    "bukan waktu (ISO 8601, 2 Jan 2024, detik Unix) / not a time"))
            bad, when = True, None
        try:
            reach = parse_reach(rec.get("reach"))
        except ValueError:
            problems.append(Problem(file_name, number, "reach", display_value(rec.get("reach")),
                                    "jangkauan harus bilangan bulat >= 0 / reach must be a whole number >= 0"))
            bad, reach = True, 0
        url = "" if is_blank(rec.get("url")) else str(rec.get("url")).strip()
        if url and (not url.startswith(("http://", "https://")) or len(url) > 1000 or " " in url):
            problems.append(Problem(file_name, number, "url", display_value(url),
                                    "tautan harus http(s) / url must be http(s)"))
            bad = True
        if bad:
            continue
        body = rec.get("text")
        rows.append(PostRow(
            number=number, text="" if body is None else (body if isinstance(body, str) else json.dumps(body)),
            title="" if is_blank(rec.get("title")) else str(rec.get("title")),
            author="" if is_blank(rec.get("author")) else str(rec.get("author")).strip(),
            time=when, url=url, reach=reach,
        ))
    return rows, problems, broken


def import_posts(file_name: str, data: bytes, *, region_id: str | None = None, user: Any = None,
                 progress: Progress | None = None, analyse: bool = True) -> ImportResult:
    result = ImportResult(file=file_name)
    rows, problems, broken = read_posts(file_name, data)
    result.rows, result.problems, result.broken_encoding = len(rows), problems, broken
    if problems:
        return result
    say = progress or (lambda _p, _d, _t: None)
    index = services.SignatureIndex.recent()
    digest = hashlib.sha256(data).hexdigest()
    new_items = []
    grouped_ids: set[int] = set()
    with transaction.atomic():
        for n, r in enumerate(rows, start=1):
            got = services.ingest(
                channel=Channel.SOCIAL, text=r.text, title=r.title, author=r.author, url=r.url,
                published_at=r.time, reach=r.reach, region_id=region_id, user=user, analyse_now=False,
                index=index,
            )
            if got.created:
                result.created += 1
                new_items.append(got.item)
            else:
                result.grouped += 1
                grouped_ids.add(got.item.pk)
            if n % 200 == 0 or n == len(rows):
                say("simpan", n, len(rows))
        audit.record("import", "infowatch.item", file_name[:100], region_id or "",
                     {"sha256": digest, "rows": len(rows), "created": result.created, "grouped": result.grouped},
                     actor=audit.current_actor() or audit.system_actor("infowatch import-posts"))
    if analyse:
        # analysis, narratives and the queue's order follow as a job (praja/jobs.py), not inside the upload
        services.after_input([it.pk for it in new_items] + sorted(grouped_ids), reason="import")
    return result


def analyse_in_batches(items: list[Any], *, progress: Progress | None = None, batch: int = 500) -> None:
    say = progress or (lambda _p, _d, _t: None)
    for i in range(0, len(items), batch):
        services.analyse(items[i:i + batch])
        say("analisis", min(i + batch, len(items)), len(items))
    # grouped copies changed reach: their risk follows
    services.score_risk(items)


# --- fact-checks -----------------------------------------------------------------------------------------


@dataclass
class FactCheckImport:
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_factchecks(
    file_name: str, data: bytes, *, text_column: str, id_column: str | None = None,
    title_column: str | None = None, date_column: str | None = None, url_column: str | None = None,
    verdict_column: str | None = None, publisher: str = "", progress: Progress | None = None,
) -> FactCheckImport:
    """Fact-checks from a CSV: the claim from `text_column`, the external id from `id_column` (else a hash
    of the claim), an optional title, date, url and verdict. Existing external ids are updated.

    Reads the file, checks its header (`_factcheck_columns`) and every row (`_factcheck_rows`), and writes
    (`_write_factchecks`) only when nothing was wrong."""
    out = FactCheckImport(file=file_name)
    text, _broken = decode(data)
    records = list(_csv_records(text))
    if not records:
        out.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return out
    wanted = {"text": text_column, "id": id_column, "title": title_column, "date": date_column,
              "url": url_column, "verdict": verdict_column}
    cols = _factcheck_columns(file_name, records[0][1], wanted, out.problems)
    if out.problems:
        return out
    say = progress or (lambda _p, _d, _t: None)
    rows = _factcheck_rows(file_name, records, cols, wanted, publisher, out.problems, say)
    out.rows = len(rows)
    if out.problems:
        return out
    out.created, out.updated = _write_factchecks(file_name, data, rows)
    say("simpan", out.rows, out.rows)
    from praja.infowatch import services_analysis

    services_analysis.reset()
    return out


def _factcheck_columns(file_name: str, header: list[str], wanted: dict[str, str | None],
                       problems: list[Problem]) -> dict[str, int]:
    """{field: column index} of the columns named in `wanted` (field -> header); a named column that the header
    lacks is a problem."""
    head = [c.strip() for c in header]
    cols: dict[str, int] = {}
    for key, name in wanted.items():
        if not name:
            continue
        if name not in head:
            problems.append(Problem(file_name, None, name, "", f"kolom {name} tidak ada / column {name} "
                                    f"is missing (columns: {', '.join(head)[:200]})"))
        else:
            cols[key] = head.index(name)
    return cols


def _fc_cell(cells: list[str], cols: dict[str, int], key: str) -> str:
    i = cols.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _factcheck_rows(file_name: str, records: list[tuple[int, list[str]]], cols: dict[str, int],
                    wanted: dict[str, Any], publisher: str, problems: list[Problem],
                    say: Progress) -> dict[str, dict[str, Any]]:
    """{external id: FactCheck fields} of the rows after the header; every bad row is a problem (file, row and
    column named) and is left out."""
    rows: dict[str, dict[str, Any]] = {}
    for number, cells in records[1:]:
        if all(is_blank(c) for c in cells):
            continue
        claim, title = _fc_cell(cells, cols, "text"), _fc_cell(cells, cols, "title")
        if not claim and not title:
            problems.append(Problem(file_name, number, wanted["text"], "", "klaim kosong / empty claim"))
            continue
        ext = (_fc_cell(cells, cols, "id")
               or "h" + hashlib.sha1(claim.encode(), usedforsecurity=False).hexdigest()[:16])
        on = None
        if _fc_cell(cells, cols, "date"):
            try:
                t = parse_time(_fc_cell(cells, cols, "date"))
                on = t.date() if t else None
            except (ValueError, OverflowError, OSError):
                problems.append(Problem(file_name, number, str(wanted["date"]), _fc_cell(cells, cols, "date")[:100],
                                        "bukan tanggal / not a date"))
                continue
        url = _fc_cell(cells, cols, "url")
        if url and not url.startswith(("http://", "https://")):
            problems.append(Problem(file_name, number, str(wanted["url"]), url[:100], "tautan harus http(s)"))
            continue
        if ext in rows:
            problems.append(Problem(file_name, number, str(wanted["id"]), ext, "ID ganda / duplicate id"))
            continue
        rows[ext[:100]] = {"title": title[:500], "claim": claim, "published_on": on, "url": url[:1000],
                           "verdict": _fc_cell(cells, cols, "verdict")[:60] or "hoaks", "publisher": publisher[:120]}
        if len(rows) % 500 == 0:
            say("periksa", len(rows), len(records) - 1)
    return rows


def _write_factchecks(file_name: str, data: bytes, rows: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Create the new external ids and update the known ones (one transaction, one audit entry): (created,
    updated)."""
    with transaction.atomic():
        existing = {f.external_id: f for f in FactCheck.objects.filter(external_id__in=list(rows))}
        create, update = [], []
        for ext, values in rows.items():
            if ext in existing:
                f = existing[ext]
                for k, v in values.items():
                    setattr(f, k, v)
                update.append(f)
            else:
                create.append(FactCheck(external_id=ext, **values))
        FactCheck.objects.bulk_create(create, batch_size=500)
        if update:
            FactCheck.objects.bulk_update(update, ["title", "claim", "published_on", "url", "verdict", "publisher"],
                                          batch_size=500)
        audit.record("import", "infowatch.factcheck", file_name[:100], "",
                     {"sha256": hashlib.sha256(data).hexdigest(), "created": len(create), "updated": len(update)},
                     actor=audit.current_actor() or audit.system_actor("infowatch import-factchecks"))
    return len(create), len(update)
