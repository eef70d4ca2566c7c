"""The analysis of a backlog as plain-data jobs (praja/jobs.py): in this process by default, fanned out to
Celery workers when PRAJA_CELERY_BROKER_URL is set.

- ``infowatch.analyse_texts(payload) -> list[dict]``: pure (no database): texts in, for each its labels
  (or None without a model) and top fact-check matches out. The payload carries the fact-checks
  (external id, text) so a worker on another machine needs no database; a worker keeps the fitted
  matcher of the last claim set it saw.
- `analyse_backlog(item_ids)`: local; batches the items (PRAJA_INFOWATCH_BATCH), runs the pure job over
  the batches through `jobs.map`, and stores the results with `services.analyse(..., results=...)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from praja import jobs

_matchers: dict[str, Any] = {}


def claims_key(claims: Sequence[Sequence[str]]) -> str:
    h = hashlib.sha256()
    for ext, text in claims:
        h.update(ext.encode())
        h.update(b"\x00")
        h.update(text.encode())
        h.update(b"\x01")
    return h.hexdigest()


@jobs.task("infowatch.analyse_texts")
def analyse_texts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    from praja.infowatch.text import classify as cl

    texts: list[str] = list(payload["texts"])
    top = int(payload.get("top", 5))
    clf = cl.load_default()
    labels = clf.predict(texts) if clf is not None else [None] * len(texts)
    matches: list[list[tuple[str, float]]] = [[] for _ in texts]
    claims = payload.get("claims") or []
    if claims:
        key = claims_key(claims) + ":" + str(payload.get("embedder", ""))
        m = _matchers.get(key)
        if m is None:
            from praja.infowatch.text import embed, match

            name = str(payload.get("embedder") or "none")
            m = match.ClaimMatcher(embedder=None if name == "none" else embed.get_embedder(name))
            m.fit([(str(e), str(t)) for e, t in claims])
            _matchers.clear()
            _matchers[key] = m
        matches = m.match_many(texts, top)
    return [
        {"labels": None if lab is None else {k: float(v) for k, v in lab.items()},
         "matches": [[str(e), float(s)] for e, s in ms]}
        for lab, ms in zip(labels, matches, strict=True)
    ]


def analyse_backlog(item_ids: Sequence[int], *, on_progress: jobs.OnProgress | None = None,
                    batch: int | None = None) -> int:
    from django.conf import settings

    from praja.infowatch import services
    from praja.infowatch import services_analysis as core
    from praja.infowatch.models import Item

    size = batch or int(getattr(settings, "PRAJA_INFOWATCH_BATCH", 1000))
    ids = list(item_ids)
    if not ids:
        return 0
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    if not jobs.uses_celery():
        say = on_progress or (lambda _d, _t, _u: None)
        say(0, len(ids), "butir")
        done = 0
        for chunk in chunks:
            services.analyse(list(Item.objects.filter(pk__in=chunk).order_by("pk")))
            done += len(chunk)
            say(done, len(ids), "butir")
        return done
    claims = [list(c) for c in core._claims_from_db()]  # noqa: SLF001 - the same claims the web matcher fits
    payloads: list[dict[str, Any]] = []
    for chunk in chunks:
        items = list(Item.objects.filter(pk__in=chunk).order_by("pk"))
        payloads.append({"ids": [it.pk for it in items], "texts": [services.analysis_text(it) for it in items],
                         "claims": claims, "embedder": core.embedder_name(),
                         "top": int(getattr(settings, "PRAJA_INFOWATCH_MATCH_TOP", 5))})
    n = 0
    for i, results in jobs.map("infowatch.analyse_texts", payloads, on_progress=on_progress, unit="batch"):
        items = list(Item.objects.filter(pk__in=payloads[i]["ids"]).order_by("pk"))
        services.analyse(items, results=results)
        n += len(items)
    return n


@jobs.task("infowatch.after_input", local=True)
def after_input(item_ids: list[int], reason: str = "") -> dict[str, Any]:
    """Analyse the new items of an import or fetch, regroup the narratives (their verdicts reach new members)
    and re-score the queue. Local: it reads and writes the database; the classification fans out through
    `analyse_backlog` when Celery is configured."""
    from praja.base import audit
    from praja.infowatch import services

    with audit.acting_as(audit.current_actor() or audit.system_actor(f"infowatch after {reason}"[:60])):
        n = analyse_backlog(item_ids)
        alerts = services.update_narratives()
    return {"analysed": n, "alerts": len(alerts)}
