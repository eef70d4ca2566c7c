"""Fixtures of the infowatch app tests (imported with `from praja.infowatch.tests.appfixtures import *`).

`fake_core`: a small keyword classifier and a word-overlap claim matcher standing in for the text core, so
the app's tests check the app (ordering, storing, pages) in milliseconds whatever model files exist. The
core's own tests (test_text_*.py) check the real classifiers and matcher.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from praja.accounts.tests.fixtures import *  # noqa: F401,F403
from praja.accounts.tests.fixtures import HOME_KEC, World, client_for, make_person
from praja.base import audit
from praja.infowatch import services_analysis as core

SYSTEM = audit.Actor(None, "system:test", "", "cli")
LABELS = ("election", "hoax", "hate_speech", "abusive", "sara_religion", "sara_race", "sara_group")
_WORD = re.compile(r"\w+")


class FakeClassifier:
    keywords = {"hoax": {"hoaks", "bohong", "palsu", "dicoblos", "curang"}, "election": {"pilkada", "tps", "kpu"},
                "hate_speech": {"benci", "usir"}, "abusive": {"bodoh"}}

    def predict(self, texts: list[str]) -> list[dict[str, float]]:
        out = []
        for t in texts:
            words = set(_WORD.findall(t.lower()))
            out.append({k: (0.9 if words & self.keywords.get(k, set()) else 0.05) for k in LABELS})
        return out

    def explain(self, text: str, label: str, k: int = 5) -> list[tuple[str, float]]:
        words = set(_WORD.findall(text.lower()))
        return [(w, 1.0) for w in sorted(words & self.keywords.get(label, set()))][:k]


class FakeMatcher:
    threshold = 0.5

    def __init__(self, claims: list[tuple[str, str]]) -> None:
        self.claims = [(e, set(_WORD.findall(t.lower()))) for e, t in claims]

    def match(self, text: str, top: int = 5) -> list[tuple[str, float]]:
        words = set(_WORD.findall(text.lower()))
        scored = [(e, len(words & c) / max(1, len(c | words))) for e, c in self.claims]
        return sorted((s for s in scored if s[1] > 0), key=lambda s: -s[1])[:top]

    def match_many(self, texts: list[str], top: int = 5) -> list[list[tuple[str, float]]]:
        return [self.match(t, top) for t in texts]


@pytest.fixture
def fake_core(monkeypatch: Any, settings: Any, world: World) -> Any:
    settings.PRAJA_INFOWATCH_EMBEDDER = "none"
    settings.PRAJA_INFOWATCH_REGENCIES = "35.07"
    settings.PRAJA_INFOWATCH_REGION = "35.07"  # where items with no named place belong
    settings.PRAJA_JOBS_EAGER = True  # the after-import job runs at once, inside the test's transaction
    core.reset()
    monkeypatch.setattr(core, "classifier", lambda: FakeClassifier())
    monkeypatch.setattr(core, "build_matcher", lambda claims: FakeMatcher(claims))
    monkeypatch.setattr(core, "signature", lambda text: hash(" ".join(text.lower().split())) & ((1 << 63) - 1))
    monkeypatch.setattr(core, "near_duplicate", lambda a, b: a == b)
    yield
    core.reset()


@pytest.fixture
def people(world: World) -> dict[str, Any]:
    """humas (infowatch.analyse) and kapolres (infowatch.approve) of regency 35.07, in Polres Malang."""
    polres = world.agencies["polres-malang"]
    return {
        "humas": make_person("humas", polres, [("humas", "35.07")]),
        "kapolres": make_person("kapolres", polres, [("polres_leader", "35.07")]),
    }


@pytest.fixture
def humas(people: dict[str, Any]) -> Client:
    return client_for(people["humas"].user, second_factor=False)


@pytest.fixture
def kapolres(people: dict[str, Any]) -> Client:
    return client_for(people["kapolres"].user, second_factor=False)


@pytest.fixture
def factchecks(world: World, fake_core: None) -> list[Any]:
    from praja.infowatch.models import FactCheck

    with audit.acting_as(SYSTEM):
        return [
            FactCheck.objects.create(external_id="3741", title="Surat suara sudah dicoblos sebelum hari pemilihan",
                                     claim="surat suara sudah dicoblos paslon sebelum pilkada di gudang KPU",
                                     url="https://turnbackhoax.id/3741"),
            FactCheck.objects.create(external_id="3742", title="Vaksin berisi chip",
                                     claim="vaksin berisi chip pelacak"),
        ]


def donomulyo_rawan() -> None:
    """Score the TPS of Donomulyo (35.07.01) rawan, those of Kalipare (35.07.02) aman."""
    from django.utils import timezone

    from praja.risk.models import TPSScore
    from praja.territory.models import TPS

    for t in TPS.objects.all():
        k = "rawan" if t.code.startswith(HOME_KEC) else "aman"
        TPSScore.objects.create(tps=t, score=70.0 if k == "rawan" else 5.0, klass=k, score_klass=k,
                                assessed_share=1.0, computed_at=timezone.now(), explanation={})
