"""The fact-check base that fills itself: file imports (CSV/XLSX, columns mapped), the fact-checkers' feeds named
in the settings (fetched on a schedule, every hop checked by `netguard`), and the demo's own small set.

Every path ends in `store()`, which de-duplicates: a fact-check already known by its id is updated; one whose
claim (its headline without the verdict label, folded) or address is already known under another id is the same
debunk published twice (a mirror, a repost by another checker) and is skipped. Each fact-check keeps its
publisher, its origin (which feed or file brought it), its date and its verdict.

Settings:
- ``PRAJA_INFOWATCH_FACTCHECK_FEEDS``: a list of ``{"name", "url", "publisher", "verdict"}`` (``verdict``: the
  verdict of entries whose title names none, e.g. "hoaks" for a hoax-report feed). Empty: none fetched.
- ``PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS``: hosts exempt from the public-address check (see `netguard`).
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from praja.base import audit
from praja.infowatch import netguard
from praja.infowatch.models import FactCheck, FactCheckFeed
from praja.territory.cells import display_value, is_blank, normalise_header
from praja.territory.import_report import Problem
from praja.territory.table_files import Unreadable, csv_rows, xlsx_rows

log = logging.getLogger("praja.infowatch.factchecks")
Progress = Callable[[str, int, int], None]
DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_factchecks.csv"
MAX_ROWS = 100_000

# canonical field -> header names recognised without a mapping (after normalise_header)
COLUMNS: dict[str, tuple[str, ...]] = {
    "claim": ("klaim", "claim", "isi", "text", "teks", "narasi", "content", "konten", "body"),
    "id": ("id", "id_cek_fakta", "external_id", "factcheck_id", "kode", "nomor"),
    "title": ("judul", "title", "headline"),
    "date": ("tanggal", "date", "published", "published_on", "waktu", "tgl"),
    "url": ("url", "tautan", "link", "sumber_url"),
    "verdict": ("putusan", "verdict", "label", "rating", "kategori"),
    "publisher": ("pemeriksa_fakta", "publisher", "sumber", "source", "penerbit"),
}
FIELDS = tuple(COLUMNS)

_VERDICT_WORDS = (
    ("sebagian benar", "sebagian benar"), ("salah", "salah"), ("hoaks", "hoaks"), ("hoax", "hoaks"),
    ("disinformasi", "disinformasi"), ("misinformasi", "misinformasi"), ("keliru", "keliru"),
    ("menyesatkan", "menyesatkan"), ("penipuan", "penipuan"), ("satire", "satire"), ("benar", "benar"),
)
_LABEL = re.compile(r"^\s*(?:\[([^\]]{1,40})\]|\(([^)]{1,40})\)|([A-Za-z ]{3,25})\s*:)")
_TAGS = re.compile(r"<[^>]{0,2000}>")


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, "PRAJA_INFOWATCH_" + name, default)


def claim_key(title: str, claim: str) -> str:
    """The same debunk under two ids has the same key: its headline without the verdict label (or the start of
    its claim), folded."""
    try:
        from praja.infowatch.text.match import prepare

        basis = prepare(title or claim[:300])
    except ImportError:
        basis = " ".join((title or claim[:300]).lower().split())
    basis = re.sub(r"[^0-9a-z ]+", " ", basis.lower())
    basis = " ".join(basis.split())
    return hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest() if basis else ""


def verdict_of(title: str, default: str = "") -> str:
    """The verdict a fact-checker's headline carries ("[SALAH] ...", "HOAKS: ...", "(Disinformasi) ..."), else
    `default`."""
    m = _LABEL.match(title or "")
    if m:
        label = (m.group(1) or m.group(2) or m.group(3) or "").strip().lower()
        for word, verdict in _VERDICT_WORDS:
            if word in label:
                return verdict
    return default


def plain(text: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", text or "")).split())


@dataclass
class Row:
    external_id: str
    claim: str
    title: str = ""
    published_on: datetime.date | None = None
    url: str = ""
    verdict: str = ""
    publisher: str = ""


@dataclass
class Stored:
    created: int = 0
    updated: int = 0
    duplicates: int = 0  # the same debunk already known under another id (claim or address)
    new_ids: list[str] = field(default_factory=list)


def store(rows: Iterable[Row], *, origin: str) -> Stored:
    """Write `rows` (one transaction): update by id, skip the same debunk known under another id, create the
    rest. The claim matcher refits on its next use (its cache key counts the fact-checks)."""
    out = Stored()
    rows = list(rows)
    with transaction.atomic():
        known = {f.external_id: f for f in FactCheck.objects.filter(external_id__in=[r.external_id for r in rows])}
        keys = {claim_key(r.title, r.claim) for r in rows}
        taken_keys = set(FactCheck.objects.filter(claim_key__in=keys - {""}).values_list("claim_key", flat=True))
        urls = {r.url for r in rows if r.url}
        taken_urls = set(FactCheck.objects.filter(url__in=urls).values_list("url", flat=True)) if urls else set()
        create = []
        for r in rows:
            key = claim_key(r.title, r.claim)
            values = {"title": r.title[:500], "claim": r.claim, "published_on": r.published_on, "url": r.url[:1000],
                      "verdict": r.verdict[:60], "publisher": r.publisher[:120], "claim_key": key}
            f = known.get(r.external_id)
            if f is not None:
                changed = [k for k, v in values.items() if getattr(f, k) != v]
                if changed:
                    for k in changed:
                        setattr(f, k, values[k])
                    f.save(update_fields=changed)
                    out.updated += 1
                continue
            if (key and key in taken_keys) or (r.url and r.url in taken_urls):
                out.duplicates += 1
                continue
            create.append(FactCheck(external_id=r.external_id[:100], origin=origin[:160], **values))
            taken_keys.add(key)
            if r.url:
                taken_urls.add(r.url)
            out.new_ids.append(r.external_id)
        FactCheck.objects.bulk_create(create, batch_size=500)
        out.created = len(create)
    from praja.infowatch import services_analysis

    services_analysis.reset()
    return out


# --- file import -----------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def _parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    from praja.infowatch.importers import parse_time

    text = display_value(value)
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if m:
        return datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    t = parse_time(text)
    if t is None:
        raise ValueError(text)
    return timezone.localtime(t).date() if timezone.is_aware(t) else t.date()


def read_file(file_name: str, data: bytes, mapping: dict[str, str] | None = None,
              publisher: str = "") -> tuple[list[Row], ImportResult]:
    """Check a whole CSV/XLSX file of fact-checks. `mapping` names the header of a field ("claim" -> "Narasi");
    unnamed fields are found by their usual names (COLUMNS). Every bad row and field is reported; no row is
    returned when any is bad.

    Reads the rows, finds the columns (`_find_columns`) and checks each row (`_check_row`)."""
    res = ImportResult(file=file_name)
    try:
        raw = _raw_rows(file_name, data)
    except Unreadable as e:
        res.problems.append(Problem(file_name, None, "", "", str(e)))
        return [], res
    head_at = next((i for i, (_n, cells) in enumerate(raw) if not all(is_blank(c) for c in cells)), None)
    if head_at is None:
        res.problems.append(Problem(file_name, None, "", "", "berkas kosong / the file is empty"))
        return [], res
    header = [display_value(c) for c in raw[head_at][1]]
    cols = _find_columns(file_name, header, mapping, res.problems)
    if res.problems:
        return [], res
    res.columns = {fld: header[i] for fld, i in cols.items()}
    body = [(n, cells) for n, cells in raw[head_at + 1:] if not all(is_blank(c) for c in cells)]
    if len(body) > MAX_ROWS:
        res.problems.append(Problem(file_name, None, "", "", f"terlalu banyak baris (paling banyak {MAX_ROWS}) / "
                                    f"too many rows (at most {MAX_ROWS})"))
        return [], res
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, cells in body:
        row = _check_row(file_name, number, cells, cols, res, seen, publisher)
        if row is not None:
            rows.append(row)
    res.rows = len(rows)
    return ([] if res.problems else rows), res


def _raw_rows(file_name: str, data: bytes) -> list[tuple[int, list[object]]]:
    """(row number, cells) of an XLSX file (by its name or its ZIP signature), else of a CSV file; raises
    Unreadable."""
    return list(xlsx_rows(data) if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
                else csv_rows(data))


def _find_columns(file_name: str, header: list[str], mapping: dict[str, str] | None,
                  problems: list[Problem]) -> dict[str, int]:
    """{field: column index}: the header `mapping` names for a field, else the field's usual names. A mapped
    header that is not there, or no claim and no title column at all, is a problem."""
    by_norm = {normalise_header(h): i for i, h in reversed(list(enumerate(header))) if h}
    cols: dict[str, int] = {}
    for fld in FIELDS:
        named = (mapping or {}).get(fld, "").strip()
        if named:
            i = by_norm.get(normalise_header(named))
            if i is None:
                problems.append(Problem(file_name, None, named, "", f"kolom {named} tidak ada di baris judul "
                                        f"(ada: {', '.join(h for h in header if h)[:200]}) / column {named} is "
                                        "not in the header row"))
                continue
            cols[fld] = i
        else:
            i = next((by_norm[a] for a in COLUMNS[fld] if a in by_norm), None)
            if i is not None:
                cols[fld] = i
    if "claim" not in cols and "title" not in cols and not problems:
        problems.append(Problem(file_name, None, "klaim", "", "kolom klaim (atau judul) tidak ditemukan: pilih "
                                "kolomnya / no claim (or title) column found: choose it"))
    return cols


def _cell(cells: list[object], cols: dict[str, int], fld: str) -> object:
    i = cols.get(fld)
    return cells[i] if i is not None and i < len(cells) else None


def _text(value: object) -> str:
    return "" if is_blank(value) else str(value).strip()


def _check_row(file_name: str, number: int, cells: list[object], cols: dict[str, int], res: ImportResult,
               seen: dict[str, int], publisher: str) -> Row | None:
    """The Row of one line of the file, or None with its problem added to `res` (the field named by its header,
    res.columns). `seen`: the ids of the rows before (id -> row number), this one's added."""
    label = res.columns
    claim, title = _text(_cell(cells, cols, "claim")), _text(_cell(cells, cols, "title"))
    if not claim and not title:
        res.problems.append(Problem(file_name, number, label.get("claim", "klaim"), "",
                                    "klaim dan judul kosong / empty claim and title"))
        return None
    on = None
    if not is_blank(_cell(cells, cols, "date")):
        try:
            on = _parse_date(_cell(cells, cols, "date"))
        except (ValueError, OverflowError, OSError):
            res.problems.append(Problem(file_name, number, label["date"], display_value(_cell(cells, cols, "date")),
                                        "bukan tanggal (27-11-2024, 2024-11-27, 27 November 2024) / not a date"))
            return None
    url = _text(_cell(cells, cols, "url"))
    if url and (not url.startswith(("http://", "https://")) or " " in url or len(url) > 1000):
        res.problems.append(Problem(file_name, number, label["url"], display_value(url),
                                    "tautan harus http(s) / the link must be http(s)"))
        return None
    ext = "" if is_blank(_cell(cells, cols, "id")) else display_value(_cell(cells, cols, "id"))
    ext = ext or "h" + hashlib.sha1((title + "\n" + claim).encode(), usedforsecurity=False).hexdigest()[:16]
    if len(ext) > 100:
        res.problems.append(Problem(file_name, number, label.get("id", "id"), display_value(ext),
                                    "ID terlalu panjang (paling panjang 100) / id longer than 100"))
        return None
    if ext in seen:
        res.problems.append(Problem(file_name, number, label.get("id", "id"), ext,
                                    f"ID sama dengan baris {seen[ext]} / the same id as row {seen[ext]}"))
        return None
    seen[ext] = number
    verdict, pub = _text(_cell(cells, cols, "verdict")), _text(_cell(cells, cols, "publisher"))
    return Row(ext, claim, title, on, url, (verdict or verdict_of(title, "hoaks")).lower(), pub or publisher)


def import_file(file_name: str, data: bytes, *, mapping: dict[str, str] | None = None, publisher: str = "",
                origin: str = "") -> ImportResult:
    """Check the whole file, then store it (all or nothing) with one audit entry."""
    rows, res = read_file(file_name, data, mapping, publisher)
    if res.problems:
        return res
    stored = store(rows, origin=origin or f"impor: {file_name}")
    res.created, res.updated, res.duplicates = stored.created, stored.updated, stored.duplicates
    audit.record("import", "infowatch.factcheck", file_name[:100], "",
                 {"sha256": hashlib.sha256(data).hexdigest(), "rows": res.rows, "created": res.created,
                  "updated": res.updated, "duplicates": res.duplicates},
                 actor=audit.current_actor() or audit.system_actor("infowatch import-factchecks"))
    return res


def load_demo_factchecks() -> int:
    """The demo's fact-checks (written for the demo, fictional; data/demo_factchecks.csv): created when missing."""
    rows, res = read_file(DEMO_FILE.name, DEMO_FILE.read_bytes())
    if res.problems:
        raise ValueError("; ".join(str(p) for p in res.problems))
    with audit.acting_as(audit.current_actor() or audit.system_actor("praja demo")):
        return store(rows, origin="demo").created


# --- fact-checkers' feeds --------------------------------------------------------------------------------


def configured_feeds() -> list[dict[str, str]]:
    feeds = _setting("FACTCHECK_FEEDS", []) or []
    out = []
    for f in feeds:
        if isinstance(f, dict) and f.get("url"):
            out.append({"name": str(f.get("name") or f["url"]), "url": str(f["url"]),
                        "publisher": str(f.get("publisher") or f.get("name") or ""),
                        "verdict": str(f.get("verdict") or "")})
    return out


@dataclass
class FeedResult:
    name: str
    status: str  # "ok", "not modified", "error", "skipped"
    created: int = 0
    duplicates: int = 0
    error: str = ""


def _entry_date(entry: Any) -> datetime.date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            try:
                return datetime.datetime.fromtimestamp(calendar.timegm(t), tz=datetime.UTC).date()
            except (OverflowError, ValueError, TypeError):
                return None
    return None


def entries_to_rows(entries: Iterable[Any], conf: dict[str, str]) -> list[Row]:
    slug = re.sub(r"[^a-z0-9]+", "-", conf["name"].lower()).strip("-")[:30] or "feed"
    rows = []
    for e in entries:
        guid = str(e.get("id") or e.get("link") or e.get("title") or "").strip()
        title = plain(str(e.get("title") or ""))
        if not guid or not title:
            continue
        link = str(e.get("link") or "")
        summary = plain(str(e.get("summary") or e.get("description") or ""))
        tags = " ".join(str(t.get("term", "")) for t in (e.get("tags") or []) if isinstance(t, dict))
        verdict = verdict_of(title) or verdict_of(f"[{tags}]" if tags else "") or conf.get("verdict", "")
        ext = f"{slug}:{hashlib.sha1(guid.encode(), usedforsecurity=False).hexdigest()[:16]}"
        rows.append(Row(ext, summary[:5000], title[:500], _entry_date(e),
                        link if link.startswith(("http://", "https://")) else "", verdict, conf["publisher"]))
    return rows


def fetch_feed(conf: dict[str, str], *, now: datetime.datetime | None = None, force: bool = False) -> FeedResult:
    import feedparser

    from praja.infowatch.feeds import USER_AGENT, allow_hosts, backoff_delay

    now = now or timezone.now()
    state, _ = FactCheckFeed.objects.get_or_create(url=conf["url"][:500], defaults={"name": conf["name"][:160]})
    if not force and state.next_fetch_at and state.next_fetch_at > now:
        return FeedResult(conf["name"], "skipped")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, */*;q=0.5"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    interval = datetime.timedelta(seconds=float(_setting("FACTCHECK_INTERVAL_S", 3600)))
    state.last_fetched_at = now
    try:
        resp = netguard.fetch(conf["url"], headers=headers, timeout=float(_setting("FETCH_TIMEOUT_S", 10)),
                              max_bytes=int(_setting("FETCH_MAX_BYTES", 5_000_000)), allow=allow_hosts())
    except netguard.NotModified:
        state.failures, state.last_status, state.last_error, state.last_new = 0, "304", "", 0
        state.next_fetch_at = now + interval
        state.save()
        return FeedResult(conf["name"], "not modified")
    except netguard.FetchRefused as e:
        log.warning("fact-check feed %s not fetched: %s", conf["url"], e.reason)
        state.failures += 1
        state.last_status, state.last_error, state.last_new = "error", netguard.REFUSED, 0
        state.next_fetch_at = now + backoff_delay(state.failures)
        state.save()
        return FeedResult(conf["name"], "error", error=netguard.REFUSED)
    parsed = feedparser.parse(resp.body)
    entries = list(parsed.get("entries") or [])
    if parsed.get("bozo") and not entries:
        state.failures += 1
        state.last_status = "error"
        state.last_error = "umpan tidak dapat dibaca (bukan RSS/Atom) / not an RSS or Atom feed"
        state.next_fetch_at = now + backoff_delay(state.failures)
        state.save()
        return FeedResult(conf["name"], "error", error=state.last_error)
    stored = store(entries_to_rows(entries, conf), origin=f"umpan: {conf['name']}")
    state.etag = (resp.headers.get("etag") or "")[:300]
    state.last_modified = (resp.headers.get("last-modified") or "")[:100]
    state.failures, state.last_status, state.last_error, state.last_new = 0, "ok", "", stored.created
    state.next_fetch_at = now + interval
    state.save()
    return FeedResult(conf["name"], "ok", created=stored.created, duplicates=stored.duplicates)


def fetch_factcheck_feeds(*, now: datetime.datetime | None = None, force: bool = False,
                          sync: bool = False) -> list[FeedResult]:
    """Fetch every configured fact-checker's feed that is due; when any brought new fact-checks, the recent items
    are matched again (a new debunk can turn an old post into a known hoax)."""
    with audit.acting_as(audit.current_actor() or audit.system_actor("infowatch fetch-factchecks")):
        results = [fetch_feed(conf, now=now, force=force) for conf in configured_feeds()]
    if any(r.created for r in results):
        rematch_recent(sync=sync)
    return results


def rematch_recent(*, sync: bool = False) -> None:
    """After new fact-checks: match the items of the narrative window again (as the after-input job)."""
    from praja.infowatch import services
    from praja.infowatch.models import Item

    days = int(_setting("NARRATIVE_DAYS", 7))
    since = timezone.now() - datetime.timedelta(days=days)
    services.after_input(Item.objects.filter(received_at__gte=since).values_list("pk", flat=True),
                         reason="factchecks", sync=sync)
