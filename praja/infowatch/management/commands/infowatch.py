"""`praja infowatch ...`: hoax monitoring from the command line.

    praja infowatch import-factchecks FILE.csv --text-column X [--id-column I] [--title-column T]
                                      [--date-column D] [--url-column U] [--verdict-column V] [--publisher P]
    praja infowatch classify FILE.csv --text-column X          one JSON object per row: each label's score
                             [--no-prior-shift]               and the labels set by the shipped decision
    praja infowatch match FILE.csv --text-column X [--top 5]   one JSON object per row: top fact-checks
    praja infowatch import-posts FILE.jsonl|FILE.csv [--region 35.07]
    praja infowatch fetch [--force]                             fetch the fact-checkers' feeds and the sources
                                                                that are due, analyse and regroup (schedule it)
    praja infowatch analyse [--all]                             analyse items not analysed yet (fan-out)
    praja infowatch narratives                                  group recent items, raise growth alerts
    praja infowatch train [--data DIR] [--out DIR]              build the classifier files (text core)
    praja infowatch eval [--data DIR]                           metrics of the classifiers and matching

classify and match write JSON lines to standard output and a progress bar to standard error; a rejected
import prints one line per bad row and field on standard error and exits non-zero, nothing written.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format

from praja.base import audit
from praja.progress import PhaseBar

SHARED_DATA = Path(getattr(settings, "SHARED_DATA_DIR", "../shared/data"))


def _rows(path: Path, column: str) -> tuple[list[str], list[dict[str, str]]]:
    """The CSV's rows and the texts of `column` (every row, blank ones as "": one output line per row)."""
    from praja.infowatch.services_input import decode

    if not path.is_file():
        raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
    text, _ = decode(path.read_bytes())
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if reader.fieldnames is None or column not in reader.fieldnames:
        raise CommandError(f"kolom {column} tidak ada / column {column} is missing "
                           f"(columns: {', '.join(reader.fieldnames or [])})")
    rows = list(reader)
    return [r.get(column) or "" for r in rows], rows


class Command(BaseCommand):
    help = "Hoax monitoring: fact-checks, classify, match, import posts, fetch feeds, train, eval."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        fc = sub.add_parser("import-factchecks", help="import debunked claims from a CSV")
        fc.add_argument("file", type=Path)
        fc.add_argument("--text-column", required=True)
        fc.add_argument("--id-column")
        fc.add_argument("--title-column")
        fc.add_argument("--date-column")
        fc.add_argument("--url-column")
        fc.add_argument("--verdict-column")
        fc.add_argument("--publisher", default="")
        cl = sub.add_parser("classify", help="label every row of a CSV (JSON lines on stdout)")
        cl.add_argument("file", type=Path)
        cl.add_argument("--text-column", required=True)
        cl.add_argument("--batch", type=int, default=512)
        cl.add_argument("--no-prior-shift", action="store_true",
                        help="keep the scores calibrated for the training shares (default: the whole file is one "
                             "batch whose label shares are estimated by EM and the scores adjusted, as the "
                             "analysis of an import does)")
        ma = sub.add_parser("match", help="the top fact-checks of every row of a CSV (JSON lines on stdout)")
        ma.add_argument("file", type=Path)
        ma.add_argument("--text-column", required=True)
        ma.add_argument("--top", type=int, default=5)
        ip = sub.add_parser("import-posts", help="import social posts (JSON lines or CSV)")
        ip.add_argument("file", type=Path)
        ip.add_argument("--region", default=None)
        fe = sub.add_parser("fetch", help="fetch the RSS/Atom sources that are due")
        fe.add_argument("--force", action="store_true")
        an = sub.add_parser("analyse", help="analyse items not analysed yet (Celery fan-out when configured)")
        an.add_argument("--all", action="store_true", help="every item, not only those never analysed")
        sub.add_parser("narratives", help="group recent items into narratives and raise growth alerts")
        tr = sub.add_parser("train", help="build the classifier model files")
        tr.add_argument("--data", type=Path, default=None)
        tr.add_argument("--out", type=Path, default=None)
        ev = sub.add_parser("eval", help="print the classifier and matching metrics on the shared data")
        ev.add_argument("--data", type=Path, default=None)
        ev.add_argument("--skip-matching", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        with audit.acting_as(audit.system_actor(f"infowatch {action}")):
            getattr(self, "_" + action.replace("-", "_"))(opts)

    # --- batch text work ---------------------------------------------------------------------------------

    def _write(self, obj: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False))

    def _classify(self, opts: dict[str, Any]) -> None:
        """Score every row and say which labels the shipped decision sets. The file is one batch (one setting:
        an election, a channel, a period): the scores of the labels with a known training share are adjusted to
        the file's own share, estimated without labels (services.prior_shift, Saerens et al. 2002), and such a
        label is set at an adjusted probability of 0.5 (priorshift.DECISION); other labels, and every label of a
        file too small to estimate a share, are set at their head's threshold. The row's "raw" holds the scores
        before the adjustment, "set" the labels set, "not_counted" a hoax score the queue ignores (a short text:
        services.counted_labels)."""
        from praja.infowatch import services
        from praja.infowatch import services_analysis as core
        from praja.infowatch.services_input import check
        from praja.infowatch.text.priorshift import DECISION

        texts, _ = _rows(opts["file"], opts["text_column"])
        clf = core.classifier()
        if clf is None:
            raise CommandError("tidak ada model klasifikasi: jalankan `praja infowatch train` / no classifier "
                               "model: run `praja infowatch train`")
        bar = PhaseBar(desc="klasifikasi / classify")
        batch = max(1, int(opts["batch"]))
        bar("baris", 0, len(texts))
        checked = [check(t) for t in texts]
        labels: list[dict[str, float]] = []
        for i in range(0, len(texts), batch):
            labels.extend(core.classify([c.text for c in checked[i:i + batch]]) or [])
            bar("baris", min(i + batch, len(texts)), len(texts))
        bar.close()
        shifted = [{} for _ in labels] if opts.get("no_prior_shift") else services.prior_shift(labels)
        thresholds = clf.thresholds() if hasattr(clf, "thresholds") else {}
        for i, (c, lab, adj) in enumerate(zip(checked, labels, shifted, strict=True)):
            decided = sorted(k for k, v in lab.items() if v >= (DECISION if k in adj else thresholds.get(k, 0.5)))
            row: dict[str, Any] = {"row": i + 1, "labels": {k: round(v, 4) for k, v in lab.items()},
                                   "set": decided, "flags": c.flags}
            if adj:
                row["raw"] = {k: a["raw"] for k, a in adj.items()}
            if "hoax" in lab and "hoax" not in services.counted_labels(lab, c.text):
                row["not_counted"] = ["hoax"]
            self._write(row)
        shares: dict[str, dict[str, float]] = {}
        for adj in shifted:
            for label, a in adj.items():
                shares.setdefault(label, a)
        with translation.override("id"):  # the file's shares as people here read them: 42,2 %
            for label, a in shares.items():
                train, here = (number_format(100 * a[k], decimal_pos=1) for k in ("train_prior", "batch_prior"))
                self.stderr.write(f"{label}: porsi latih / training share {train} %, berkas ini / this file {here} "
                                  "% (EM); skor disesuaikan, label di 0,5 / scores adjusted, label set at 0.5")
        if not shares and not opts.get("no_prior_shift"):
            self.stderr.write("tanpa penyesuaian porsi (berkas terlalu kecil) / no share adjustment (file too "
                              "small): label di ambang tiap kepala / labels set at each head's threshold")

    def _match(self, opts: dict[str, Any]) -> None:
        from praja.infowatch import services_analysis as core
        from praja.infowatch.services_input import check

        texts, _ = _rows(opts["file"], opts["text_column"])
        m = core.matcher()
        if m is None:
            raise CommandError("belum ada cek fakta: jalankan `praja infowatch import-factchecks` / no "
                               "fact-checks yet: run `praja infowatch import-factchecks`")
        top = max(1, int(opts["top"]))
        thr = core.threshold(m)
        bar = PhaseBar(desc="pencocokan / match")
        bar("baris", 0, len(texts))
        step = 64
        for i in range(0, len(texts), step):
            chunk = [check(t).text for t in texts[i:i + step]]
            results = m.match_many(chunk, top) if hasattr(m, "match_many") else [m.match(t, top) for t in chunk]
            for j, res in enumerate(results):
                self._write({"row": i + j + 1, "matches": [
                    {"id": e, "score": round(float(s), 4), "same_claim": float(s) >= thr} for e, s in res]})
            bar("baris", min(i + step, len(texts)), len(texts))
        bar.close()

    # --- imports and fetching ----------------------------------------------------------------------------

    def _import_factchecks(self, opts: dict[str, Any]) -> None:
        from praja.infowatch.importers import import_factchecks

        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
        bar = PhaseBar()
        r = import_factchecks(path.name, path.read_bytes(), text_column=opts["text_column"],
                              id_column=opts.get("id_column"), title_column=opts.get("title_column"),
                              date_column=opts.get("date_column"), url_column=opts.get("url_column"),
                              verdict_column=opts.get("verdict_column"), publisher=opts.get("publisher") or "",
                              progress=bar)
        bar.close()
        if not r.ok:
            for p in r.problems:
                self.stderr.write(str(p))
            raise CommandError(f"{path.name} ditolak, tidak ada yang disimpan / rejected, nothing saved "
                               f"({len(r.problems)} problems)")
        self.stdout.write(f"{path.name}: {r.created} baru / new, {r.updated} diperbarui / updated")

    def _import_posts(self, opts: dict[str, Any]) -> None:
        from praja.infowatch.importers import import_posts

        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"berkas tidak ditemukan / file not found: {path}")
        bar = PhaseBar()
        r = import_posts(path.name, path.read_bytes(), region_id=opts.get("region"), progress=bar)
        bar.close()
        if not r.ok:
            for p in r.problems:
                self.stderr.write(str(p))
            raise CommandError(f"{path.name} ditolak, tidak ada yang disimpan / rejected, nothing saved "
                               f"({len(r.problems)} problems)")
        self.stdout.write(f"{path.name}: {r.created} butir baru / new items, {r.grouped} digabung / grouped")

    def _fetch(self, opts: dict[str, Any]) -> None:
        from praja.infowatch import services
        from praja.infowatch.factchecks import fetch_factcheck_feeds
        from praja.infowatch.feeds import fetch_due
        from praja.infowatch.models import Item

        with audit.acting_as(audit.current_actor() or audit.system_actor("infowatch fetch")):
            for f in fetch_factcheck_feeds(force=opts["force"], sync=True):
                self.stdout.write(f"cek fakta / fact-checks {f.name}: {f.status} new={f.created} "
                                  f"duplicates={f.duplicates} {f.error}".rstrip())
            for r in fetch_due(force=opts["force"], sync=True):
                self.stdout.write(f"{r.source}: {r.status} new={r.new} repeated={r.repeated} {r.error}".rstrip())
            # the periodic sweep: anything left unanalysed (a job that died with its process) is done now
            left = list(Item.objects.filter(analysed_at__isnull=True).values_list("pk", flat=True)[:5000])
            services.after_input(left, reason="sweep", sync=True)
            # manual entries and forwarded reports between two runs join their narratives here
            alerts = services.update_narratives()
        self.stdout.write(f"narasi diperbarui / narratives updated, {len(alerts)} peringatan baru / new alerts")

    def _analyse(self, opts: dict[str, Any]) -> None:
        from praja.infowatch import tasks
        from praja.infowatch.models import Item

        qs = Item.objects.all() if opts["all"] else Item.objects.filter(analysed_at__isnull=True)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        bar = PhaseBar(desc="analisis / analyse")
        n = tasks.analyse_backlog(ids, on_progress=bar.counting)
        bar.close()
        self.stdout.write(f"{n} butir dianalisis / items analysed")

    def _narratives(self, opts: dict[str, Any]) -> None:
        from praja.infowatch import services
        from praja.infowatch.models import Narrative

        alerts = services.update_narratives()
        n = Narrative.objects.count()
        self.stdout.write(f"{n} narasi / narratives, {len(alerts)} peringatan baru / new alerts")

    # --- the text core -----------------------------------------------------------------------------------

    def _train(self, opts: dict[str, Any]) -> None:
        try:
            from praja.infowatch.text import training
        except ImportError as e:
            raise CommandError(f"inti teks belum tersedia / text core missing: {e}") from e
        data = opts["data"] or SHARED_DATA
        out = opts["out"] or Path(__file__).resolve().parents[2] / "data"
        bar = PhaseBar()
        result = training.train(data, out, progress=bar)
        bar.close()
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))

    def _eval(self, opts: dict[str, Any]) -> None:
        try:
            from praja.infowatch.text import training
        except ImportError as e:
            raise CommandError(f"inti teks belum tersedia / text core missing: {e}") from e
        data = opts["data"] or SHARED_DATA
        bar = PhaseBar()
        result: dict[str, Any] = {"classifiers": training.evaluate(data, progress=bar)}
        if not opts["skip_matching"]:
            try:
                from tqdm import tqdm

                from praja.infowatch.text import match_eval

                with tqdm(desc="pencocokan / matching", unit=" query", file=sys.stderr, disable=None) as qbar:
                    result["matching"] = match_eval.evaluate_matching(data, progress=qbar.update)
            except ImportError as e:
                result["matching"] = {"missing": str(e)}
        bar.close()
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
