"""Training and evaluation of the classifiers, on small slices of the shared data (no database)."""

import csv
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings

from praja.infowatch.text import classify, cls_election, training

DATA = Path(settings.SHARED_DATA_DIR)
pytestmark = pytest.mark.needs_shared_data(
    "hatespeech-id", "hoax-news-id", "hoax-tweets-idn", "factcheck-turnbackhoax-2024"
)


def _head(path: Path, lines: int, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as handle:
        text = handle.read()
    # cut at a record boundary of these files: a label digit followed by a newline
    out, count = [], 0
    for line in text.splitlines(keepends=True):
        out.append(line)
        if line.rstrip("\r\n").endswith(("0", "1", "Valid", "Hoax", "valid", "hoax", "tagging", "HS_Strong")):
            count += 1
            if count >= lines:
                break
    return "".join(out)


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: Any) -> None:
    """First 250 tweets, 100 articles cut to 400 characters (2 topics), every 25th hoax tweet, some 60 fact-checks,
    in the same layout."""
    root = tmp_path_factory.mktemp("data")
    (root / "hatespeech-id").mkdir()
    (root / "hoax-news-id").mkdir()
    (root / "factcheck-turnbackhoax-2024").mkdir()
    hate = DATA / "hatespeech-id"
    (root / "hatespeech-id" / "re_dataset.csv").write_text(_head(hate / "re_dataset.csv", 251, "latin-1"), "latin-1")
    shutil.copy(hate / "new_kamusalay.csv", root / "hatespeech-id")
    news = DATA / "hoax-news-id"
    with open(news / "news_600_labelled.csv", encoding="latin-1", newline="") as handle:
        articles = list(csv.reader(handle, delimiter=";"))[:101]
    with open(root / "hoax-news-id" / "news_600_labelled.csv", "w", encoding="latin-1", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([row[0][:400], row[1]] for row in articles)
    shutil.copy(news / "news_600_labelling_process.xlsx", root / "hoax-news-id")
    (root / "hoax-tweets-idn").mkdir()
    with open(DATA / training.HOAX_TWEETS_FILE, encoding="utf-8", errors="replace", newline="") as handle:
        tweets = list(csv.reader(handle))
    with open(root / training.HOAX_TWEETS_FILE, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(tweets[:1] + tweets[1::25])
    for name in ("politics_hoax_text.csv", "scam_hoax_text.csv"):
        src = DATA / "factcheck-turnbackhoax-2024" / name
        lines = src.read_text("utf-8", errors="replace").splitlines(keepends=True)
        (root / "factcheck-turnbackhoax-2024" / name).write_text("".join(lines[:80]), "utf-8")
    return root


def test_hoax_articles_carry_the_topic_of_their_sheet() -> None:
    texts, labels, topics = training.load_hoax_news(DATA)
    assert len(texts) == 600 and int(labels.sum()) == 228
    assert len(set(topics)) == 12
    assert "lele" in topics[0] and "lele" in texts[0].lower()
    assert "Facebook" in topics[500] and "facebook" in texts[500].lower()


def test_weak_election_labels_come_from_the_lexicon_and_hide_it() -> None:
    assert cls_election.weak_label("ayo ke tps besok", cls_election.ELECTION_TERMS) == 1
    assert cls_election.weak_label("jokowi makan bakso", cls_election.ELECTION_TERMS) is None
    assert cls_election.weak_label("resep sambal enak", cls_election.ELECTION_TERMS) == 0
    assert cls_election.mask_terms("ayo ke tps besok coblos", cls_election.ELECTION_TERMS) == "ayo ke besok"


def test_train_builds_a_model_file_that_scores_every_label(small_data: Any, tmp_path: Any) -> None:
    seen = []
    result = training.train(small_data, tmp_path, progress=lambda phase, done, total: seen.append(done))
    path = Path(result["file"])
    assert path.exists() and result["bytes"] < 8_000_000 and seen[-1] == seen[-1] > 0
    model = classify.Classifier.load(path)
    assert set(model.predict(["tes"])[0]) == set(classify.LABELS)
    assert model.meta["licence"].startswith("CC BY-NC-SA")


def test_evaluate_reports_the_table_and_says_what_cannot_be_measured(small_data: Any) -> None:
    result = training.evaluate(small_data)
    for key in ("hate_speech_macro_f1_5fold", "abusive_macro_f1_5fold", "hoax_macro_f1_by_topic"):
        assert 0.0 <= result[key] <= 1.0
    assert len(result["hoax"]["per_topic"]) == 2
    assert 0.0 <= result["hoax"]["tweets_macro_f1"] <= 1.0 and 0.0 <= result["hoax"]["headline_proxy_macro_f1"] <= 1.0
    other = result["cross_domain"]["hate_speech_other_election"]
    assert other["status"] in ("proxy", "not measurable") and set(other["runs"]) == set(training.ELECTIONS)
    assert result["cross_domain"]["hoax_headlines_later_year"]["status"] == "partial"
    assert "roc_auc" in result["election"]["turnbackhoax_proxy"]


def test_hoax_features_of_one_topic_only_are_dropped() -> None:
    texts = ["lele kanker sebarkan", "lele formalin sebarkan", "vaksin haram sebarkan", "vaksin chip sebarkan"]
    topics = ["lele", "lele", "vaksin", "vaksin"]
    forms = {"slang": texts, "plain": texts, "raw": texts}
    spec = [("word", "word", (1, 1), "slang", 100, "tfidf", 1)]
    fs = training.fit_featureset("news", spec, forms)
    rows = training.HoaxRows(texts, np.array([1, 0, 1, 0]), [f"news:{t}" for t in topics], np.array(["news"] * 4))
    x = training.hoax_spread(fs, fs.transform(forms), rows, training.HOAX_NEWS_ONLY, always=())
    kept = {term for col, term in enumerate(fs.blocks[0].vocabulary) if x[:, col].nnz}
    assert kept == {"sebarkan"}


def test_hoax_rows_of_both_corpora_keep_their_topics_together_in_the_folds() -> None:
    rows = training.load_hoax_rows(DATA)
    assert (rows.domains == "news").sum() == 600 and (rows.domains == "tweet").sum() == 3772
    assert training.tweet_topic_key("Covid 21") == training.tweet_topic_key(" covid ") == "covid"
    folds = training.hoax_folds(rows)
    assert folds.min() == 0 and folds.max() == 11
    for topic in set(rows.topics):
        assert len({int(f) for f, t in zip(folds, rows.topics, strict=True) if t == topic}) == 1
    weights = training.hoax_weights(rows, training.HOAX_RECIPE)
    assert weights is not None and abs(weights.mean() - 1.0) < 1e-9
    for domain in ("news", "tweet"):  # each corpus half the weight, each class half of its corpus
        for label in (0, 1):
            cell = (rows.domains == domain) & (rows.y == label)
            assert abs(weights[cell].sum() / weights.sum() - 0.25) < 1e-9
    assert training.hoax_weights(rows.subset(rows.domains == "news"), training.HOAX_NEWS_ONLY) is None


def test_headline_helpers_strip_verdicts_and_keep_the_opening_sentence() -> None:
    assert training.strip_verdict("[SALAH] Video Jokowi") == "Video Jokowi"
    assert training.strip_verdict("[HOAKS] [DISINFORMASI] Surat Suara") == "Surat Suara"
    assert training.strip_verdict("HOAKS: Surat suara tercoblos") == "Surat suara tercoblos"
    assert training.strip_verdict(": “TNI Dikerahkan”") == "“TNI Dikerahkan”"
    assert training.strip_verdict("Salah Paham Soal Pajak") == "Salah Paham Soal Pajak"
    text = "Jakarta, Di jejaring sosial, beredar\ninformasi soal lele. Benarkah? Kalimat ketiga."
    assert training.first_sentence(text) == "Jakarta, Di jejaring sosial, beredar informasi soal lele."
    assert training.first_sentence("Pendek. Dua kata lagi ya. Tiga.") == "Pendek. Dua kata lagi ya."


def test_hate_speech_is_measured_on_the_tweets_of_an_election_left_out_of_training() -> None:
    texts, labels = training.load_tweets(DATA)
    named = {e: [i for i, t in enumerate(texts) if rx.search(t)] for e, rx in training.ELECTIONS.items()}
    rows = sorted(set(named["jakarta_2017"][:60]) | set(named["presidential_2019"][:60]) | set(range(300)))
    forms = training._forms([texts[i] for i in rows], {})
    result = training._hate_speech_other_election(forms, {k: v[rows] for k, v in labels.items()})
    assert result["status"] == "proxy"
    for election, run in result["runs"].items():
        test_rows = [i for i in rows if i in set(named[election])
                     and not any(i in set(v) for e, v in named.items() if e != election)]
        assert run["test_tweets"] == len(test_rows)
        assert run["train_tweets"] == len(rows) - len([i for i in rows if i in set(named[election])])
        assert 0.0 <= run["hate_speech"]["macro_f1"] <= 1.0
        assert run["hate_speech"]["positives"] == int(np.sum(labels["HS"][test_rows]))
