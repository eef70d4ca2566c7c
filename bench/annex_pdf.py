"""The plan's PDF annex (praja/deployment/annex_pdf.py through exports.to_pdf): seconds and pages per second.

    praja bench annex_pdf                    # writes bench/results/annex_pdf.json
    .venv/bin/python bench/annex_pdf.py      # the same, prints only
    PRAJA_BENCH_WEASYPRINT=1 ...             # the demo regency through WeasyPrint (annex.html) as well: 20 s

Cases: the demo regency (Kabupaten Malang, its 4,042 TPS from bench/deployment_inputs.py planned by the
solver with the default pattern, the Document made as `praja deployment plan --out` makes it, addresses
added) and a synthetic document of 5,000 posts (about 23,000 TPS, 40 Polsek, addresses of every length,
some with é and ’, uncovered posts, hand-edited posts, shortfall rows). Per case: posts, TPS, pages, bytes,
seconds (best of 3 in one process: fonts and their subsets are cut once per process and kept, as in a
worker that writes many regencies; the first call, which cuts them, is reported too) and pages per second.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

WEASYPRINT = os.environ.get("PRAJA_BENCH_WEASYPRINT", "") == "1"
STREETS = ["Jl. Raya", "Dusun Krajan", "Jl. Masjid", "Balai Desa", "SDN", "Jl. Pahlawan", "Dusun Sumbersari",
           "Gedung Serbaguna", "Jl. Kaliurang", "Pos Kamling", "Rumah Bpk.", "Lapangan"]


def _address(rng: random.Random, code: str) -> str:
    r = rng.random()
    base = f"{rng.choice(STREETS)} {rng.randint(1, 40)}, RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 9):02d}"
    if r < 0.05:
        return base + ", Café Pojok d’Ampel, dekat pertigaan jalan menuju pasar desa dan masjid jami’ " + code
    if r < 0.2:
        return base + f", Desa {rng.choice(['Sumbermanjing Wetan', 'Tulungrejo', 'Kedungsalam'])}"
    return base


def demo_document() -> Any:
    """Kabupaten Malang planned from files, as the command line plans it, into its Document."""
    import deployment_inputs as inputs

    from praja.deployment import outputs
    from praja.deployment.importers import TpsFile
    from praja.deployment.solver import DEFAULT_PATTERN, Settings, solve

    case = inputs.malang()
    settings = Settings()
    plan = solve(case.tps, DEFAULT_PATTERN, settings, case.pools)
    rng = random.Random(18)
    tps_file = TpsFile(tps=case.tps, address={t.code: _address(rng, t.code) for t in case.tps})
    docs = outputs.documents(plan, tps_file, case.pools, DEFAULT_PATTERN, settings, by_regency=True)
    return next(iter(docs.values()))


def synthetic_document(n_posts: int = 5000, n_sections: int = 40) -> Any:
    from django.utils import timezone

    from praja.deployment import exports
    from praja.deployment.models import CLASS_LABELS
    from praja.deployment.solver import DEFAULT_PATTERN, Settings

    rng = random.Random(5000)
    classes = ["aman"] * 80 + ["kurang_rawan"] * 15 + ["rawan"] * 4 + ["sangat_rawan"]
    posts = []
    for i in range(n_posts):
        sec = i * n_sections // n_posts
        kec = f"35.{70 + sec // 30:02d}.{sec % 30 + 1:02d}"
        covered = rng.random() > 0.02
        n_tps = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 10])
        tps = [exports.TpsLine(f"{kec}.20{j % 20:02d}/{i % 900 + j:03d}",
                               _address(rng, f"{kec}.{j}"), rng.randint(120, 600), rng.choice(classes),
                               -8.1 + rng.random() * 0.4, 112.4 + rng.random() * 0.5)
               for j in range(n_tps)]
        posts.append(exports.PostLine(
            number=i + 1, code=f"P{i + 1}", kecamatan=kec, kecamatan_name=f"Kecamatan {sec}", desa_name="Desa",
            lat=-8.1 + rng.random() * 0.4, lng=112.4 + rng.random() * 0.5, cls=tps[0].cls, police=2 * n_tps // 3 + 2,
            tni=rng.choice([0, 0, 1]), linmas=2 * n_tps, pool=f"Polsek Kecamatan {sec}" if covered else "",
            km=rng.random() * 12, tni_pool="Koramil 0818/12" if rng.random() < 0.3 else "", tni_km=rng.random() * 5,
            covered=covered, edited=rng.random() < 0.01, tps=tps, unit=f"Polsek Kecamatan {sec}"))
    shortfall = {f"35.70.{k:02d}": {"police": 12, "tni": 3, "posts": 4, "tps": 9, "tps_by_class": {}}
                 for k in range(1, 6)}
    return exports.build_document(
        title="Rencana pengamanan TPS", region_label="Sintetis (99.99)", version="v1", pattern=DEFAULT_PATTERN,
        settings=Settings(), posts=posts, lower_bound=sum(p.police for p in posts) - 40, bound_name="lp",
        bko_needed=75, shortfall=shortfall, created=timezone.now(), pools_generated=True,
        class_labels={k: str(v) for k, v in CLASS_LABELS.items()},
    )


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(name: str, doc: Any, weasyprint: bool = False) -> dict[str, Any]:
    from praja.deployment import exports

    t0 = time.perf_counter()
    pdf = exports.to_pdf(doc)
    first = time.perf_counter() - t0
    best = first
    for _ in range(2):
        t0 = time.perf_counter()
        pdf = exports.to_pdf(doc)
        best = min(best, time.perf_counter() - t0)
    pages = _pages(pdf)
    out: dict[str, Any] = {
        "posts": len(doc.posts), "tps": sum(len(p.tps) for p in doc.posts), "sections": len(doc.sections),
        "pages": pages, "bytes": len(pdf), "first_call_s": round(first, 3), "seconds": round(best, 3),
        "pages_per_s": round(pages / best),
    }
    if weasyprint:
        from weasyprint import HTML

        t0 = time.perf_counter()
        old = HTML(string=exports.to_html(doc)).write_pdf()
        seconds = time.perf_counter() - t0
        old_pages = _pages(old)
        out["weasyprint_before"] = {"pages": old_pages, "bytes": len(old), "seconds": round(seconds, 2),
                             "pages_per_s": round(old_pages / seconds, 1)}
    print(f"{name}: {out}", flush=True)
    return out


def run() -> dict[str, Any]:
    import deployment
    from django.utils import translation

    translation.activate("id")
    load_before = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    demo = demo_document()
    planned = time.perf_counter() - t0
    return {
        "what": "exports.to_pdf (praja/deployment/annex_pdf.py + pdf_writer.py) of a regency's plan annex",
        "demo_regency": {**measure("demo_regency", demo, WEASYPRINT), "planning_s": round(planned, 1)},
        "synthetic_5000_posts": measure("synthetic_5000_posts", synthetic_document()),
        "target": "the demo regency well under 1 s (WeasyPrint: about 20 s)",
        "load_average_before_after": [load_before, [round(x, 2) for x in os.getloadavg()]],
        "machine": deployment._machine(),
    }


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praja.settings")
    django.setup()
    run()
