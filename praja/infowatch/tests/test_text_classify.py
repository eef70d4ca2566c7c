"""The shipped classifier on small real examples of the shared data (no database)."""

import csv
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from praja.infowatch.text import classify

DATA = Path(settings.SHARED_DATA_DIR)
_LOADED = classify.load_default()
pytestmark = pytest.mark.skipif(_LOADED is None, reason="no shipped model file")


class _Shipped:
    """The shipped model, for tests that run only when it is there (see pytestmark)."""

    def __getattr__(self, name: str) -> Any:
        assert _LOADED is not None
        return getattr(_LOADED, name)


MODEL = _Shipped()


def _tweets(n: int) -> list[list[str]]:
    with open(DATA / "hatespeech-id" / "re_dataset.csv", encoding="latin-1", newline="") as handle:
        return [row for _, row in zip(range(n + 1), csv.reader(handle), strict=False)][1:]


def test_every_text_gets_every_label_with_a_score_between_0_and_1() -> None:
    rows = MODEL.predict(["Ayo ke TPS, coblos paslon pilihanmu", "", "x" * 1_000_000, "\x00\xff", "中文"])
    assert len(rows) == 5
    for row in rows:
        assert set(classify.LABELS) <= set(row)
        assert all(0.0 <= v <= 1.0 for v in row.values())
    assert MODEL.predict([]) == []


@pytest.mark.needs_shared_data("hatespeech-id/re_dataset.csv")
def test_it_recognises_hate_speech_and_abuse_in_corpus_tweets() -> None:
    # Training tweets, so this checks the file is the trained model, not its accuracy (evaluate does).
    rows = [r for r in _tweets(300) if r[1] in "01"]
    scores = MODEL.predict([r[0] for r in rows])
    hs_hit = sum(
        (s["hate_speech"] >= MODEL.heads["hate_speech"].threshold) == (r[1] == "1")
        for s, r in zip(scores, rows, strict=True)
    )
    ab_hit = sum(
        (s["abusive"] >= MODEL.heads["abusive"].threshold) == (r[2] == "1") for s, r in zip(scores, rows, strict=True)
    )
    assert hs_hit / len(rows) > 0.85 and ab_hit / len(rows) > 0.85


def test_sara_targets_follow_the_target_of_the_insult() -> None:
    race, religion = MODEL.predict(["dasar cina antek aseng pulang sana", "dasar kafir penista agama islam"])
    assert race["sara_race"] > race["sara_religion"]
    assert religion["sara_religion"] > religion["sara_race"]


def test_election_talk_scores_high_and_everyday_talk_low() -> None:
    talk, other = MODEL.predict(
        ["Jangan lupa 27 November datang ke TPS, cek nama di DPT dan tolak politik uang", "resep sambal terasi enak"]
    )
    assert talk["election"] >= 0.9 and other["election"] < 0.3


@pytest.mark.needs_shared_data("hoax-news-id/news_600_labelled.csv")
def test_hoax_scores_an_article_of_the_hoax_corpus() -> None:
    with open(DATA / "hoax-news-id" / "news_600_labelled.csv", encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:40]
    scores = MODEL.predict([r[0] for r in rows])
    hoax = [s["hoax"] for s, r in zip(scores, rows, strict=True) if r[1].lower().startswith("hoax")]
    valid = [s["hoax"] for s, r in zip(scores, rows, strict=True) if not r[1].lower().startswith("hoax")]
    assert sum(hoax) / len(hoax) > sum(valid) / len(valid)


def test_explain_names_the_words_that_pushed_the_score() -> None:
    why = MODEL.explain("USER dasar cebong goblok tukang tipu", "abusive", k=3)
    assert len(why) == 3 and all(weight > 0 for _, weight in why)
    assert {"goblok", "cebong"} & {word for word, _ in why}
    lex = MODEL.explain("besok ke TPS untuk mencoblos", "election")
    assert lex[0][1] >= 0.9
    with pytest.raises(KeyError):
        MODEL.explain("x", "no_such_label")


@pytest.mark.needs_shared_data("hatespeech-id/re_dataset.csv")
def test_a_saved_model_loads_back_with_the_same_scores(tmp_path: Any) -> None:
    path = tmp_path / "copy.npz"
    MODEL.save(path)
    again = classify.Classifier.load(path)
    texts = [r[0] for r in _tweets(20)]
    assert again.predict(texts) == MODEL.predict(texts)


def test_a_binary_block_marks_presence_and_shares_the_counts_of_its_tfidf_twin() -> None:
    from praja.infowatch.text.features import FeatureSet, fit_block

    texts = ["babi babi lu", "lu baik", "babi lu baik sekali", "baik sekali"]
    tfidf = fit_block("word", "word", (1, 1), "slang", texts, 100, min_df=1)
    binary = fit_block("word_bin", "word", (1, 1), "slang", texts, 100, min_df=1, weighting="binary")
    assert binary.count_key() == tfidf.count_key()
    x = FeatureSet("t", [tfidf, binary]).transform({"slang": ["babi babi babi baik"]}).toarray()[0]
    presence = x[tfidf.size :]
    assert sorted(set(presence.tolist())) == [0.0, 1.0] and presence.sum() == 2
    assert abs(float((x[: tfidf.size] ** 2).sum()) - 1.0) < 1e-5
