"""What the prior-shift adjustment (EM, Saerens et al. 2002; praja/infowatch/text/priorshift.py) does to hate-speech
decisions when a new batch has another share of hate speech than the training data.

There is one hate-speech corpus in ../shared/data (hatespeech-id, one collection around one election), so a
leave-an-election-out measure cannot be made here; this is the closest honest stand-in: a calibrated TF-IDF +
logistic-regression head is trained on half the corpus (share as collected, 42 %), and test batches of 1,000
tweets are drawn from the other half with shares of 5, 10, 20 and 42 %; each batch is scored raw (decision at 0.5
of the training-calibrated probability) and adjusted to its own share estimated by EM on its unlabelled scores.
Measures: the estimated share and macro-F1 of both decisions. A development-time measure (reads ../shared/data);
nothing of it ships or runs in the application.

    .venv/bin/python bench/infowatch_priorshift.py      (or: praja bench infowatch_priorshift)
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "hatespeech-id" / "re_dataset.csv"
OUT = ROOT / "bench" / "results" / "infowatch_priorshift.json"


def run() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from praja.infowatch.text import priorshift

    t0 = time.perf_counter()
    with DATA.open(encoding="latin-1", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = np.array([r["Tweet"] for r in rows], dtype=object)
    y = np.array([r["HS"] == "1" for r in rows])
    rng = np.random.default_rng(42)
    order = rng.permutation(len(rows))
    train, test = order[: len(order) // 2], order[len(order) // 2:]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    x_train = vec.fit_transform(texts[train])
    clf = CalibratedClassifierCV(LogisticRegression(C=4.0, max_iter=2000), cv=3, method="sigmoid")
    clf.fit(x_train, y[train])
    train_prior = float(y[train].mean())
    pos, neg = test[y[test]], test[~y[test]]
    results: list[dict[str, Any]] = []
    for share in (0.05, 0.10, 0.20, round(train_prior, 2)):
        for seed in range(5):
            r = np.random.default_rng(seed)
            n_pos = int(round(1000 * share))
            batch = np.concatenate([r.choice(pos, n_pos, replace=False), r.choice(neg, 1000 - n_pos, replace=False)])
            p = clf.predict_proba(vec.transform(texts[batch]))[:, 1]
            sh = priorshift.shift(p, train_prior)
            truth = y[batch]
            results.append({
                "share": share, "seed": seed, "estimated_share": round(sh.batch_prior, 4),
                "share_range": [round(sh.low, 4), round(sh.high, 4)],
                "macro_f1_raw": round(float(f1_score(truth, p >= 0.5, average="macro")), 4),
                "macro_f1_adjusted": round(float(f1_score(truth, sh.adjusted >= priorshift.DECISION,
                                                          average="macro")), 4),
            })
    summary = []
    for share in sorted({float(str(r["share"])) for r in results}):
        part = [r for r in results if r["share"] == share]
        summary.append({"share": share,
                        "estimated_share_mean": round(float(np.mean([r["estimated_share"] for r in part])), 4),
                        "macro_f1_raw_mean": round(float(np.mean([r["macro_f1_raw"] for r in part])), 4),
                        "macro_f1_adjusted_mean": round(float(np.mean([r["macro_f1_adjusted"] for r in part])), 4)})
    return {"train_rows": int(len(train)), "train_prior": round(train_prior, 4), "batches": results,
            "summary": summary, "seconds": round(time.perf_counter() - t0, 1),
            "note": "measured on a shared 2-core machine under load; synthetic shift, not leave-an-election-out"}


if __name__ == "__main__":
    out = run()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out["summary"], indent=2))
