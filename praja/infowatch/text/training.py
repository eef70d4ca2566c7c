"""Training and evaluation of the infowatch classifiers on the shared data (fixed seeds, CPU only).

`train(data_dir, out_dir)` builds ``infowatch-classifier.npz`` from
  - hatespeech-id/re_dataset.csv (13,169 tweets; CC BY-NC-SA 4.0): hate_speech (HS), abusive
    (Abusive), sara_religion (HS_Religion), sara_race (HS_Race), sara_group (HS_Group), and the weak
    election labels (cls_election);
  - hatespeech-id/new_kamusalay.csv: the slang table the model normalises with;
  - hoax-news-id/news_600_labelled.csv (600 articles; CC BY 4.0) and hoax-tweets-idn/datasetUMPOHoax.csv
    (3,772 tweets labelled hoax or valid by topic, the "?" rows left out; MIT): hoax (`HOAX_RECIPE`).
TurnBackHoax data is never read by `train`.

`evaluate(data_dir)` measures what the issue's table asks for with folds whose vocabulary is learnt
on the training part only: 5-fold macro-F1 (stratified, seed 42) for the tweet labels; the hoax
macro-F1 with the 12 topics of news_600_labelling_process.xlsx held out one at a time (each with a twelfth of
the tweet topics, `hoax_cross_topics`), on the held-out tweets and on the held-out articles' first sentences
(a headline proxy), and the recall of hoax on TurnBackHoax 2024 headlines; the election
score against its weak labels with the lexicon terms hidden, and as a proxy on TurnBackHoax 2024
(politics vs scam claims; evaluation only); hate speech across elections as a proxy inside re_dataset.csv
(Jakarta 2017 vs presidential 2019 tweets); and says which rows cannot be measured with this data.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from praja.infowatch.text import cls_election, priorshift
from praja.infowatch.text.classify import DEFAULT_FILE, Classifier, Head
from praja.infowatch.text.features import FeatureSet, fit_block
from praja.infowatch.text.normalise import MAX_CHARS, load_slang, normalise

Progress = Callable[[str, int, int], None]

SEED = 42
HATE_FILE = Path("hatespeech-id") / "re_dataset.csv"
SLANG_FILE = Path("hatespeech-id") / "new_kamusalay.csv"
HOAX_FILE = Path("hoax-news-id") / "news_600_labelled.csv"
HOAX_TOPICS_FILE = Path("hoax-news-id") / "news_600_labelling_process.xlsx"
HOAX_TWEETS_FILE = Path("hoax-tweets-idn") / "datasetUMPOHoax.csv"
TURNBACKHOAX_DIR = Path("factcheck-turnbackhoax-2024")

# label -> column of re_dataset.csv
TWEET_LABELS = {
    "hate_speech": "HS",
    "abusive": "Abusive",
    "sara_religion": "HS_Religion",
    "sara_race": "HS_Race",
    "sara_group": "HS_Group",
}
# Feature blocks: (name, analyzer, n-grams, source, max features, weighting, min_df). The binary
# blocks share the vocabulary of the TF-IDF block of the same view and feed the naive-Bayes members.
BlockSpec = tuple[str, str, tuple[int, int], str, int, str, int]
TWEET_BLOCKS: list[BlockSpec] = [
    ("word", "word", (1, 3), "slang", 60_000, "tfidf", 2),
    ("char", "char_wb", (2, 5), "slang", 80_000, "tfidf", 2),
    ("char_plain", "char_wb", (2, 5), "plain", 60_000, "tfidf", 2),
    ("word_bin", "word", (1, 3), "slang", 60_000, "binary", 2),
    ("char6_bin", "char", (2, 6), "plain", 200_000, "binary", 3),
]
NEWS_BLOCKS: list[BlockSpec] = [
    ("word", "word", (1, 2), "slang", 30_000, "tfidf", 2),
    ("char", "char_wb", (2, 5), "slang", 40_000, "tfidf", 2),
    ("style", "style", (1, 1), "raw", 0, "standardised", 1),
]
# A head is the average of linear SVM members, each scaled by the spread of its decision on the
# training rows: (kind, blocks, C). "svm": balanced linear SVM on the blocks; "lr": balanced logistic
# regression; "nb": the SVM on binary features scaled by their log-count ratio (NB-SVM, Wang and
# Manning 2012). Everything stays linear, so a head is stored as one weight vector over the feature set.
Member = tuple[str, tuple[str, ...], float]
TWEET_MEMBERS: list[Member] = [
    ("svm", ("word", "char", "char_plain"), 0.3),
    ("nb", ("word_bin",), 0.03),
    ("nb", ("char6_bin",), 0.03),
]
HEAD_MEMBERS: dict[str, list[Member]] = {
    "hate_speech": TWEET_MEMBERS,
    "abusive": TWEET_MEMBERS,
    "sara_religion": TWEET_MEMBERS,
    "sara_race": TWEET_MEMBERS,
    "sara_group": TWEET_MEMBERS,
    "election": [("svm", ("word", "char", "char_plain"), 0.3)],
    "hoax": [("svm", ("word", "char"), 1.0), ("lr", ("style",), 0.1)],
}
HOAX_TOPICS_PER_SHEET = 50  # the CSV lists the articles sheet by sheet, 50 per topic
# A word or character feature counts for the hoax head only when it occurs in more than this share of the
# training topics: what separates hoax from valid inside one topic is mostly that topic's own vocabulary,
# which does not carry over to a new topic (leave-one-topic-out macro-F1 0.6394 -> 0.6699, see docs).
HOAX_MIN_TOPIC_SHARE = 0.5
HOAX_ALWAYS_KEPT = ("style",)


@dataclass(frozen=True)
class HoaxRecipe:
    """How the hoax head is trained: which corpora (``"news"``: the 600 articles, ``"tweet"``: hoax-tweets-idn),
    its members, the share of the sample weight the articles get when both corpora are used (each corpus's two
    classes get equal weight inside it, so neither its size nor its hoax share nor anything that only tells the
    corpora apart, such as length, decides), and which word and character features it keeps: those in more
    than ``news_min_share`` of the training news topics, or in at least ``tweet_min_topics`` tweet topics (both
    None: every feature). With both corpora, the Platt sigmoid and threshold come from inner folds grouped by
    topic, weighted the same way."""

    domains: tuple[str, ...] = ("news", "tweet")
    members: tuple[Member, ...] = tuple(HEAD_MEMBERS["hoax"])
    news_share: float = 0.5
    news_min_share: float | None = HOAX_MIN_TOPIC_SHARE
    tweet_min_topics: int | None = 5

    @property
    def joint(self) -> bool:
        return len(self.domains) > 1


# The head trained on the news articles only (shipped until issue 16): kept as the baseline of the measures.
HOAX_NEWS_ONLY = HoaxRecipe(domains=("news",), tweet_min_topics=None)
# The shipped head (issue 16): news articles and tweets; chosen by leaving topics out (docs/infowatch-models.md).
HOAX_RECIPE = HoaxRecipe()

# The two elections the tweets of re_dataset.csv talk about (collected 2018, before the 2019 vote): the
# Jakarta governor election of 2017 and the presidential election of 2019. A tweet naming one and not the
# other belongs to it; the cross-election proxy trains without one election's tweets and tests on them.
ELECTIONS = {
    "jakarta_2017": re.compile(
        r"\b(?:ahok|anies|anis|djarot|sandi|sandiaga|basuki|pilgub|pilkada ?dki|agus ?yudhoyono|sylvi|ahy)\b",
        re.IGNORECASE),
    "presidential_2019": re.compile(
        r"\b(?:jokowi|jkw|joko ?widodo|jokowidodo|prabowo|capres|cawapres|pilpres|2019|gantipresiden|"
        r"2019gantipresiden|cebong|kampret|ma'?ruf|sandiuno)\b", re.IGNORECASE),
}


# -- data ----------------------------------------------------------------------------------------


def load_tweets(data_dir: Path) -> tuple[list[str], dict[str, np.ndarray[Any, np.dtype[np.int64]]]]:
    """The tweets of re_dataset.csv and their 0/1 labels, by column name."""
    with open(data_dir / HATE_FILE, encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    texts = [row[0] for row in body]
    labels = {name: np.array([int(row[i]) for row in body]) for i, name in enumerate(header) if i > 0}
    return texts, labels


def load_hoax_news(data_dir: Path) -> tuple[list[str], np.ndarray[Any, np.dtype[np.int64]], list[str]]:
    """The 600 articles, 1 for hoax, and each article's topic (the keyword of its sheet)."""
    raw = (data_dir / HOAX_FILE).read_bytes().decode("latin-1")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))[1:]
    texts = [row[0] for row in rows]
    labels = np.array([1 if row[1].strip().lower().startswith("hoax") else 0 for row in rows])
    names = hoax_topic_names(data_dir)
    topics = [names[min(i // HOAX_TOPICS_PER_SHEET, len(names) - 1)] for i in range(len(rows))]
    return texts, labels, topics


def tweet_topic_key(topic: str) -> str:
    """The group of a hoax-tweets-idn topic: lower case, spaces collapsed, a trailing number dropped (the file
    has "Covid 19" ... "Covid 25", "Boba" and "Boba ", "Garam" and "garam": one topic each)."""
    key = " ".join(topic.lower().split())
    key = re.sub(r"[\s\-]*\d+$", "", key).strip()
    return key or "(tanpa topik)"


def load_hoax_tweets(data_dir: Path) -> tuple[list[str], np.ndarray[Any, np.dtype[np.int64]], list[str]]:
    """The tweets of hoax-tweets-idn labelled hoax or valid (the "?" rows left out), 1 for hoax, and each tweet's
    topic group (`tweet_topic_key`; a row with an empty topic continues the topic of the row above it: 1,095 rows,
    the merged cells of the sheet the file came from). The label is set per topic, so it is noisy."""
    with open(data_dir / HOAX_TWEETS_FILE, encoding="utf-8", errors="replace", newline="") as handle:
        rows = list(csv.DictReader(handle))
    topic = ""
    for row in rows:
        topic = (row.get("topik") or "").strip() or topic
        row["topik"] = topic
    rows = [r for r in rows if (r.get("label") or "").strip() in ("hoax", "valid")]
    texts = [r["tweet"] or "" for r in rows]
    labels = np.array([1 if r["label"].strip() == "hoax" else 0 for r in rows])
    return texts, labels, [tweet_topic_key(r["topik"]) for r in rows]


def first_sentence(text: str, min_words: int = 5, max_words: int = 40) -> str:
    """The opening sentence of an article (sentences added until it has ``min_words`` words, cut at
    ``max_words``): the headline proxy of the hoax measures."""
    words: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        words.extend(sentence.split())
        if len(words) >= min_words:
            break
    return " ".join(words[:max_words])


@dataclass
class HoaxRows:
    """The hoax training rows of both corpora: text, 1 for hoax, topic group ("news:..." / "tweet:..."), corpus."""

    texts: list[str]
    y: np.ndarray[Any, np.dtype[np.int64]]
    topics: list[str]
    domains: np.ndarray[Any, Any]

    def subset(self, mask: np.ndarray[Any, Any]) -> HoaxRows:
        idx = np.flatnonzero(mask)
        return HoaxRows([self.texts[i] for i in idx], self.y[idx], [self.topics[i] for i in idx], self.domains[idx])


def load_hoax_rows(data_dir: Path, domains: Sequence[str] = ("news", "tweet")) -> HoaxRows:
    texts: list[str] = []
    ys: list[np.ndarray[Any, Any]] = []
    topics: list[str] = []
    kinds: list[str] = []
    for domain in domains:
        t, y, tp = load_hoax_news(data_dir) if domain == "news" else load_hoax_tweets(data_dir)
        texts += t
        ys.append(y)
        topics += [f"{domain}:{name}" for name in tp]
        kinds += [domain] * len(t)
    return HoaxRows(texts, np.concatenate(ys).astype(np.int64), topics, np.array(kinds))


def hoax_topic_names(data_dir: Path) -> list[str]:
    """The 12 topic keywords, one per sheet of news_600_labelling_process.xlsx, in sheet order."""
    import openpyxl

    book = openpyxl.load_workbook(data_dir / HOAX_TOPICS_FILE, read_only=True)
    names = []
    for sheet in book.worksheets:
        words: list[str] = []
        started = False
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] == "No" or (len(row) > 1 and row[1] == "Keyword"):
                started = True
                continue
            if started and len(row) > 1 and row[1] is not None:
                value = str(row[1]).strip()
                if value and not value.isdigit():
                    words.append(value)
        names.append(" ".join(words) or sheet.title)
    book.close()
    return names


def load_turnbackhoax(data_dir: Path) -> list[dict[str, str]]:
    """TurnBackHoax 2024 claims (evaluation only: never used to train a shipped model)."""
    out: list[dict[str, str]] = []
    for name in ("politics_hoax_text.csv", "others_hoax_text.csv", "scam_hoax_text.csv"):
        path = data_dir / TURNBACKHOAX_DIR / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                row["_file"] = name.split("_")[0]
                out.append(row)
    return out


# -- fitting -------------------------------------------------------------------------------------


def _topic_counts(x: sp.csr_matrix, topics: Sequence[str]) -> tuple[np.ndarray[Any, Any], int]:
    """For each column of ``x``, in how many of the topics of its rows it occurs; and the number of topics."""
    unique = list(dict.fromkeys(topics))
    if not unique:
        return np.zeros(x.shape[1], dtype=np.float64), 0
    index = {topic: i for i, topic in enumerate(unique)}
    rows = np.array([index[t] for t in topics])
    member = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(unique), x.shape[0]))
    present = sp.csr_matrix(x, copy=True)
    present.data = np.ones_like(present.data)
    per_topic = sp.csr_matrix(member @ present)
    per_topic.data = np.ones_like(per_topic.data)
    return np.asarray(per_topic.sum(axis=0), dtype=np.float64).ravel(), len(unique)


def _keep_columns(x: sp.csr_matrix, keep: np.ndarray[Any, Any]) -> sp.csr_matrix:
    return sp.csr_matrix(x @ sp.diags(keep.astype(np.float32)), dtype=np.float32)


def hoax_spread(
    fs: FeatureSet, x: sp.csr_matrix, rows: HoaxRows, recipe: HoaxRecipe, always: Sequence[str] = HOAX_ALWAYS_KEPT
) -> sp.csr_matrix:
    """``x`` (the matrix of ``rows``) with the columns zeroed that the recipe does not keep (the blocks in
    ``always`` are kept whole; a zero column gets a zero weight, so the head ignores it). Kept: columns in more
    than ``news_min_share`` of the news topics of the rows, or in at least ``tweet_min_topics`` of their tweet
    topics (two corpora of very different topic counts: 11 or 12 news topics, some 250 tweet topic groups)."""
    if recipe.news_min_share is None and recipe.tweet_min_topics is None:
        return x
    keep = np.zeros(x.shape[1], dtype=bool)
    news = rows.domains == "news"
    if recipe.news_min_share is not None and news.any():
        spread, n = _topic_counts(x[news], [t for t, m in zip(rows.topics, news, strict=True) if m])
        keep |= spread > recipe.news_min_share * n
    tweet = rows.domains == "tweet"
    if recipe.tweet_min_topics is not None and tweet.any():
        spread, _ = _topic_counts(x[tweet], [t for t, m in zip(rows.topics, tweet, strict=True) if m])
        keep |= spread >= recipe.tweet_min_topics
    keep[fs.columns(tuple(always))] = True
    return _keep_columns(x, keep)


def hoax_weights(rows: HoaxRows, recipe: HoaxRecipe) -> np.ndarray[Any, Any] | None:
    """Sample weights of the joint head: the news articles get ``news_share`` of the weight, the tweets the rest,
    and inside each corpus the two classes get half each (mean weight 1). None for one corpus (the members are
    then balanced by class, as before)."""
    present = [d for d in recipe.domains if (rows.domains == d).any()]
    if len(present) < 2:
        return None
    share = {"news": recipe.news_share, "tweet": 1.0 - recipe.news_share}
    w = np.zeros(len(rows.y), dtype=np.float64)
    for domain in present:
        for label in (0, 1):
            cell = (rows.domains == domain) & (rows.y == label)
            if cell.any():
                w[cell] = share[domain] * 0.5 / cell.sum()
    out: np.ndarray[Any, Any] = w * (len(w) / float(w.sum()))
    return out


def fit_featureset(name: str, spec: Sequence[BlockSpec], forms: dict[str, list[str]]) -> FeatureSet:
    return FeatureSet(name, [fit_block(n, a, g, s, forms[s], m, d, w) for n, a, g, s, m, w, d in spec])


def _svm(c: float, balanced: bool = True) -> LinearSVC:
    return LinearSVC(C=c, class_weight="balanced" if balanced else None, random_state=SEED, max_iter=5000)


def fit_linear(
    fs: FeatureSet, x: sp.csr_matrix, y: np.ndarray[Any, Any], members: Sequence[Member],
    weights: np.ndarray[Any, Any] | None = None,
) -> tuple[np.ndarray[Any, np.dtype[np.float32]], float]:
    """One weight vector and intercept over all of `fs`: the average of the members' decisions,
    each divided by the standard deviation of its decision on the training rows. Members are balanced by
    class, or weighted by ``weights`` per row when given."""
    coef = np.zeros(fs.size, dtype=np.float64)
    intercept = 0.0
    for kind, blocks, c in members:
        cols = fs.columns(blocks)
        part = sp.csr_matrix(x[:, cols])
        scale = np.ones(len(cols), dtype=np.float64)
        if kind == "nb":
            present = part.copy()
            present.data = np.ones_like(present.data)
            pos = 1.0 + np.asarray(present[y == 1].sum(axis=0)).ravel()
            neg = 1.0 + np.asarray(present[y == 0].sum(axis=0)).ravel()
            scale = np.log((pos / pos.sum()) / (neg / neg.sum()))
            part = sp.csr_matrix(part @ sp.diags(scale.astype(np.float32)), dtype=np.float32)
        balanced = weights is None
        model: LinearSVC | LogisticRegression = (
            LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=3000)
            if kind == "lr" else _svm(c, balanced)
        ).fit(part, y, sample_weight=weights)
        spread = float(np.std(model.decision_function(part))) or 1.0
        coef[cols] += model.coef_[0] * scale / spread
        intercept += float(model.intercept_[0]) / spread
    return coef.astype(np.float32), intercept


def _decide(coef: np.ndarray[Any, Any], intercept: float, x: sp.csr_matrix) -> np.ndarray[Any, Any]:
    return np.asarray(x @ coef, dtype=np.float64).ravel() + intercept


def _best_threshold(
    scores: np.ndarray[Any, Any], y: np.ndarray[Any, Any], weights: np.ndarray[Any, Any] | None = None
) -> float:
    """The score threshold with the best (weighted) macro-F1 on out-of-fold scores (ties: nearest 0.5)."""
    best, best_t = -1.0, 0.5
    for t in np.round(np.arange(0.2, 0.81, 0.02), 2):
        f = f1_score(y, scores >= t, average="macro", sample_weight=weights)
        if f > best + 1e-9 or (abs(f - best) <= 1e-9 and abs(t - 0.5) < abs(best_t - 0.5)):
            best, best_t = f, float(t)
    return best_t


def fit_head(
    label: str, fs: FeatureSet, x: sp.csr_matrix, y: np.ndarray[Any, Any], inner_folds: int = 3,
    members: Sequence[Member] | None = None, weights: np.ndarray[Any, Any] | None = None,
    groups: Sequence[str] | None = None,
) -> Head:
    """The label's linear members (HEAD_MEMBERS unless given), its Platt sigmoid and threshold from
    `inner_folds`-fold out-of-fold decisions (folds grouped by ``groups`` when given; rows weighted by
    ``weights`` in the members, the sigmoid and the threshold when given)."""
    members = HEAD_MEMBERS[label] if members is None else list(members)
    coef, intercept = fit_linear(fs, x, y, members, weights)
    oof = np.zeros(len(y), dtype=np.float64)
    if groups is not None:
        splits = GroupKFold(inner_folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y, list(groups))
    else:
        splits = StratifiedKFold(inner_folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y)
    for tr, te in splits:
        w = None if weights is None else weights[tr]
        oof[te] = _decide(*fit_linear(fs, x[tr], y[tr], members, w), x[te])
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(oof.reshape(-1, 1), y, sample_weight=weights)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    head = Head(label, fs.name, coef, intercept, a, b)
    head.threshold = _best_threshold(head.score(oof.astype(np.float32)), y, weights)
    return head


HoaxCache = dict[tuple[str, ...], tuple[FeatureSet, sp.csr_matrix]]


def fit_hoax(
    rows: HoaxRows, slang: dict[str, str], recipe: HoaxRecipe = HOAX_RECIPE, calibrate: bool = True,
    forms: dict[str, list[str]] | None = None, cache: HoaxCache | None = None,
) -> tuple[FeatureSet, Head]:
    """The hoax head of ``recipe`` on ``rows`` (only the rows of its corpora): its feature set (fitted on those
    rows) and the head; ``calibrate=False`` skips the inner folds (sigmoid 1, threshold 0.5: decision > 0).
    ``forms`` are those of ``rows`` when given; ``cache`` keeps a feature set and matrix per set of corpora."""
    mask = np.isin(rows.domains, recipe.domains)
    part = rows.subset(mask)
    cached = cache.get(recipe.domains) if cache is not None else None
    if cached is None:
        if forms is None:
            part_forms = _forms(part.texts, slang)
        else:
            part_forms = {s: [v for v, m in zip(forms[s], mask, strict=True) if m] for s in forms}
        fs = fit_featureset("hoax" if recipe.joint else "news", NEWS_BLOCKS, part_forms)
        cached = (fs, fs.transform(part_forms))
        if cache is not None:
            cache[recipe.domains] = cached
    fs, x = cached
    x = hoax_spread(fs, x, part, recipe)
    weights = hoax_weights(part, recipe)
    if not calibrate:
        coef, intercept = fit_linear(fs, x, part.y, recipe.members, weights)
        return fs, Head("hoax", fs.name, coef, intercept, 1.0, 0.0, 0.5)
    groups = part.topics if recipe.joint else None
    return fs, fit_head("hoax", fs, x, part.y, members=recipe.members, weights=weights, groups=groups)


def _name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= 4}


def hoax_folds(rows: HoaxRows) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The outer fold of each row for `hoax_cross_topics`: fold k holds news topic k, the tweet topic groups named
    by words of that topic's keywords (every word of 4 letters or more of the group's name among them: "lele",
    "kanker", "facebook", "stroke"), and a share of the other tweet topic groups (GroupKFold); with no news rows,
    5 folds of tweet topics."""
    news_topics = list(dict.fromkeys(t for t, d in zip(rows.topics, rows.domains, strict=True) if d == "news"))
    n_folds = len(news_topics) or 5
    topics = np.asarray(rows.topics)
    fold = np.full(len(rows.y), -1, dtype=np.int64)
    words = []
    for k, topic in enumerate(news_topics):
        fold[topics == topic] = k
        words.append(_name_words(topic.removeprefix("news:")))
    tweet = rows.domains == "tweet"
    for group in dict.fromkeys(topics[tweet]):
        own = _name_words(str(group).removeprefix("tweet:"))
        for k, news_words in enumerate(words):
            if own and own <= news_words:
                fold[topics == group] = k
                break
    rest = np.flatnonzero(tweet & (fold < 0))
    if len(rest):
        splitter = GroupKFold(min(n_folds, len(set(topics[rest]))))
        for k, (_, te) in enumerate(splitter.split(rest, groups=topics[rest])):
            fold[rest[te]] = k
    return fold


def hoax_cross_topics(
    rows: HoaxRows, slang: dict[str, str], recipes: dict[str, HoaxRecipe], calibrated: Sequence[str] = (),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Whole topics left out (`hoax_folds`): for each recipe, macro-F1 of the out-of-fold decisions (> 0) on
    the news articles, on the tweets, and on the articles' first sentences (`first_sentence`, a headline proxy);
    for the recipes in ``calibrated`` also at each fold's head threshold (Platt sigmoid and threshold from its
    inner folds, as shipped). Every recipe sees the same folds; one trained on news only still scores the
    tweets of the held-out fold (its transfer)."""
    folds = hoax_folds(rows)
    n = len(rows.y)
    forms = _forms(rows.texts, slang)
    news = rows.domains == "news"
    heads_forms = _forms([first_sentence(t) if d == "news" else "" for t, d in zip(rows.texts, rows.domains,
                                                                                      strict=True)], slang)
    kinds = ("full", "headline")
    dec = {name: {k: np.full(n, np.nan) for k in kinds} for name in recipes}
    hit = {name: {k: np.zeros(n, dtype=bool) for k in kinds} for name in calibrated}
    thresholds: dict[str, list[float]] = {name: [] for name in calibrated}
    n_folds = int(folds.max()) + 1
    for k in range(n_folds):
        te = folds == k
        train_rows = rows.subset(~te)
        train_forms = {s: [v for v, m in zip(forms[s], ~te, strict=True) if m] for s in forms}
        test_forms = {kind: {s: [v for v, m in zip(f[s], te, strict=True) if m] for s in f}
                      for kind, f in (("full", forms), ("headline", heads_forms))}
        cache: HoaxCache = {}
        for name, recipe in recipes.items():
            fs, head = fit_hoax(train_rows, slang, recipe, calibrate=name in calibrated, forms=train_forms,
                                cache=cache)
            for kind in kinds:
                decision = head.decision(fs.transform(test_forms[kind]))
                dec[name][kind][te] = decision
                if name in calibrated:
                    hit[name][kind][te] = head.score(decision) >= head.threshold
            if name in calibrated:
                thresholds[name].append(head.threshold)
        _tick(progress, "eval hoax", k + 1, n_folds)
    tweet = rows.domains == "tweet"
    out: dict[str, Any] = {}
    for name in recipes:
        full, headline = dec[name]["full"] > 0, dec[name]["headline"] > 0
        res: dict[str, Any] = {
            "news_macro_f1": _macro(rows.y[news], full[news]),
            "news_hoax_f1": round(float(f1_score(rows.y[news], full[news])), 4),
            "headline_macro_f1": _macro(rows.y[news], headline[news]),
            "tweets_macro_f1": _macro(rows.y[tweet], full[tweet]) if tweet.any() else None,
            "per_topic": {
                str(topic).removeprefix("news:"): {
                    "articles": int(m.sum()), "hoax": int(rows.y[m].sum()),
                    "accuracy": round(float((full[m] == rows.y[m]).mean()), 4),
                }
                for topic in dict.fromkeys(np.asarray(rows.topics)[news])
                for m in [np.asarray(rows.topics) == topic]
            },
        }
        if name in calibrated:
            h = hit[name]
            res["at_threshold"] = {
                "news_macro_f1": _macro(rows.y[news], h["full"][news]),
                "headline_macro_f1": _macro(rows.y[news], h["headline"][news]),
                "tweets_macro_f1": _macro(rows.y[tweet], h["full"][tweet]) if tweet.any() else None,
                "thresholds": thresholds[name],
            }
        out[name] = res
    return {
        "folds": n_folds,
        "news_topics": int(len(set(np.asarray(rows.topics)[news]))),
        "tweet_topic_groups": int(len(set(np.asarray(rows.topics)[tweet]))),
        "tweets": int(tweet.sum()),
        "articles": int(news.sum()),
        "recipes": out,
    }


VERDICT_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]*\]|\((?:hoa[kx]s?|salah|disinformasi|misinformasi|keliru|penipuan|fitnah)[^)]*\)|"
    r"(?:hoa[kx]s?|salah|disinformasi|misinformasi|keliru|penipuan|fitnah)\s*[:\-\u2013|]|[:\-\u2013|])\s*",
    re.IGNORECASE,
)


def strip_verdict(title: str) -> str:
    """A fact-check title without its verdict prefix ("[SALAH] ...", "[HOAKS] ...", "HOAKS: ...")."""
    previous = None
    while previous != title:
        previous, title = title, VERDICT_PREFIX.sub("", title, count=1)
    return title.strip()


def hoax_headline_recall(
    rows: HoaxRows, slang: dict[str, str], recipe: HoaxRecipe, titles: Sequence[str],
    head: tuple[FeatureSet, Head] | None = None,
) -> dict[str, Any]:
    """Share of ``titles`` (all hoaxes) the head of ``recipe`` trained on all ``rows`` flags (evaluation only)."""
    fs, h = head if head is not None else fit_hoax(rows, slang, recipe)
    decision = h.decision(fs.transform(_forms(list(titles), slang)))
    scores = h.score(decision)
    return {
        "headlines": len(titles),
        "hoax_recall_at_threshold": round(float((scores >= h.threshold).mean()), 4),
        "hoax_recall_decision_0": round(float((decision > 0).mean()), 4),
        "mean_score": round(float(scores.mean()), 4),
        "threshold": h.threshold,
    }


def election_weak_data(tweet_forms: list[str], lexicon: dict[str, float]) -> tuple[list[int], list[str], list[int]]:
    """Indices, lexicon-masked texts and weak labels of the tweets that get a weak label."""
    idx, texts, labels = [], [], []
    for i, text in enumerate(tweet_forms):
        label = cls_election.weak_label(text, lexicon)
        if label is not None:
            idx.append(i)
            texts.append(cls_election.mask_terms(text, lexicon))
            labels.append(label)
    return idx, texts, labels


def _forms(texts: Sequence[str], slang: dict[str, str]) -> dict[str, list[str]]:
    return {
        "slang": [normalise(t, slang=slang) for t in texts],
        "plain": [normalise(t, slang={}) for t in texts],
        "raw": [t[:MAX_CHARS] for t in texts],
    }


def _tick(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def train(data_dir: Path, out_dir: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Build the model file in `out_dir` from the shared data; returns what was built."""
    started = time.perf_counter()
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    steps = 10
    _tick(progress, "train", 0, steps)
    slang = load_slang(data_dir / SLANG_FILE)
    texts, labels = load_tweets(data_dir)
    forms = _forms(texts, slang)
    _tick(progress, "train", 1, steps)
    tweet_fs = fit_featureset("tweet", TWEET_BLOCKS, forms)
    x = tweet_fs.transform(forms)
    _tick(progress, "train", 2, steps)
    heads: dict[str, Head] = {}
    for n, (label, column) in enumerate(TWEET_LABELS.items()):
        heads[label] = fit_head(label, tweet_fs, x, labels[column])
        _tick(progress, "train", 3 + n, steps)
    lexicon = dict(cls_election.ELECTION_TERMS)
    idx, masked, weak = election_weak_data(forms["slang"], lexicon)
    masked_plain = [cls_election.mask_terms(forms["plain"][i], lexicon) for i in idx]
    xe = tweet_fs.transform({"slang": masked, "plain": masked_plain})
    heads["election"] = fit_head("election", tweet_fs, xe, np.array(weak))
    _tick(progress, "train", 8, steps)
    hoax_rows = load_hoax_rows(data_dir, HOAX_RECIPE.domains)
    hoax_fs, heads["hoax"] = fit_hoax(hoax_rows, slang, HOAX_RECIPE)
    _tick(progress, "train", 9, steps)
    meta = {
        "built_by": "praja.infowatch.text.training.train",
        "seed": SEED,
        "data": {
            "hatespeech-id": "Ibrohim and Budi 2019, re_dataset.csv + new_kamusalay.csv, CC BY-NC-SA 4.0",
            "hoax-news-id": "Pratiwi, Asmara, Rahutomo 2017, news_600_labelled.csv, CC BY 4.0",
            "hoax-tweets-idn": "9uz/IDNHoaxCorpus @2a2bd08, Universitas Muhammadiyah Ponorogo 2020, "
            "datasetUMPOHoax.csv, MIT",
        },
        "licence": "CC BY-NC-SA 4.0 (inherits from hatespeech-id)",
        "rows": {
            "tweets": len(texts),
            "election_weak": len(weak),
            "election_weak_positive": int(sum(weak)),
            "hoax_articles": int((hoax_rows.domains == "news").sum()),
            "hoax_tweets": int((hoax_rows.domains == "tweet").sum()),
        },
        "hoax_recipe": {
            "domains": list(HOAX_RECIPE.domains),
            "news_share": HOAX_RECIPE.news_share,
            "news_min_share": HOAX_RECIPE.news_min_share,
            "tweet_min_topics": HOAX_RECIPE.tweet_min_topics,
        },
    }
    model = Classifier({"tweet": tweet_fs, hoax_fs.name: hoax_fs}, heads, slang, lexicon, meta)
    out_file = out_dir / DEFAULT_FILE.name
    model.save(out_file)
    _tick(progress, "train", steps, steps)
    return {
        "file": str(out_file),
        "bytes": out_file.stat().st_size,
        "labels": list(model.labels),
        "thresholds": model.thresholds(),
        "features": {"tweet": tweet_fs.size, hoax_fs.name: hoax_fs.size},
        "rows": meta["rows"],
        "seconds": round(time.perf_counter() - started, 1),
    }


# -- evaluation ----------------------------------------------------------------------------------


def _macro(y: np.ndarray[Any, Any], pred: np.ndarray[Any, Any]) -> float:
    return round(float(f1_score(y, pred, average="macro")), 4)


def _tweet_cv(
    forms: dict[str, list[str]], labels: dict[str, np.ndarray[Any, Any]], folds: int, progress: Progress | None
) -> dict[str, Any]:
    """5-fold CV of the tweet heads; vocabulary and idf learnt on each training part only."""
    n = len(forms["slang"])
    hs = labels["HS"]
    pred = {label: np.zeros(n, dtype=np.int64) for label in TWEET_LABELS}
    splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    for k, (tr, te) in enumerate(splitter.split(np.zeros(n), hs)):
        fs = fit_featureset("tweet", TWEET_BLOCKS, {s: [forms[s][i] for i in tr] for s in forms})
        x_tr = fs.transform({s: [forms[s][i] for i in tr] for s in forms})
        x_te = fs.transform({s: [forms[s][i] for i in te] for s in forms})
        for label, column in TWEET_LABELS.items():
            coef, intercept = fit_linear(fs, x_tr, labels[column][tr], HEAD_MEMBERS[label])
            pred[label][te] = (_decide(coef, intercept, x_te) > 0).astype(np.int64)
        _tick(progress, "eval tweets", k + 1, folds)
    out: dict[str, Any] = {}
    for label, column in TWEET_LABELS.items():
        y = labels[column]
        out[label] = {
            "column": column,
            "macro_f1": _macro(y, pred[label]),
            "positive_f1": round(float(f1_score(y, pred[label])), 4),
            "positives": int(y.sum()),
            "rows": n,
        }
    return out


def _hoax_by_topic(
    data_dir: Path, slang: dict[str, str], progress: Progress | None = None
) -> tuple[dict[str, Any], HoaxRows]:
    """The shipped hoax recipe with whole topics left out (`hoax_cross_topics`), at decision > 0."""
    rows = load_hoax_rows(data_dir, HOAX_RECIPE.domains)
    cross = hoax_cross_topics(rows, slang, {"shipped": HOAX_RECIPE}, progress=progress)
    res = cross["recipes"]["shipped"]
    result = {
        "split": f"leave topics out: {cross['folds']} folds, fold k holds news topic k of "
        "news_600_labelling_process.xlsx and a share of the tweet topic groups (hoax_folds)",
        "features": f"words and character n-grams of more than {HOAX_MIN_TOPIC_SHARE:.0%} of the training news "
        f"topics or of at least {HOAX_RECIPE.tweet_min_topics} training tweet topics, and the style features",
        "corpora": list(HOAX_RECIPE.domains),
        "macro_f1": res["news_macro_f1"],
        "hoax_f1": res["news_hoax_f1"],
        "articles": cross["articles"],
        "per_topic": res["per_topic"],
        "tweets_macro_f1": res["tweets_macro_f1"],
        "tweets": cross["tweets"],
        "tweet_topic_groups": cross["tweet_topic_groups"],
        "headline_proxy_macro_f1": res["headline_macro_f1"],
    }
    return result, rows


def _election(
    forms: dict[str, list[str]], data_dir: Path, slang: dict[str, str], claims: list[dict[str, str]]
) -> dict[str, Any]:
    lexicon = dict(cls_election.ELECTION_TERMS)
    idx, masked, weak = election_weak_data(forms["slang"], lexicon)
    masked_plain = [cls_election.mask_terms(forms["plain"][i], lexicon) for i in idx]
    weak_y = np.array(weak)
    pred = np.zeros(len(weak_y), dtype=np.int64)
    splitter = StratifiedKFold(5, shuffle=True, random_state=SEED)
    for tr, te in splitter.split(np.zeros(len(weak_y)), weak_y):
        part = {"slang": [masked[i] for i in tr], "plain": [masked_plain[i] for i in tr]}
        fs = fit_featureset("tweet", TWEET_BLOCKS, part)
        coef, intercept = fit_linear(fs, fs.transform(part), weak_y[tr], HEAD_MEMBERS["election"])
        test = {"slang": [masked[i] for i in te], "plain": [masked_plain[i] for i in te]}
        pred[te] = (_decide(coef, intercept, fs.transform(test)) > 0).astype(np.int64)
    out: dict[str, Any] = {
        "weak_labels": {
            "what": "tweets of re_dataset.csv labelled by the lexicon (positive: a strong election term; "
            "negative: no term and no political word), 5-fold, the model sees the text with the terms removed",
            "rows": len(weak_y),
            "positives": int(weak_y.sum()),
            "macro_f1_context_only": _macro(weak_y, pred),
        }
    }
    politics = [c for c in claims if c["_file"] == "politics"]
    scam = [c for c in claims if c["_file"] == "scam"]
    if politics and scam:
        part = {"slang": masked, "plain": masked_plain}
        fs = fit_featureset("tweet", TWEET_BLOCKS, part)
        head = fit_head("election", fs, fs.transform(part), weak_y)
        rows = politics + scam
        texts = [f"{c.get('TITLE', '')}. {c.get('HOAX_TEXT', '')}" for c in rows]
        y = np.array([1] * len(politics) + [0] * len(scam))
        tforms = _forms(texts, slang)
        model_score = head.score(head.decision(fs.transform(tforms)))
        lex = np.array([cls_election.lexicon_score(t, lexicon) for t in tforms["slang"]], dtype=np.float32)
        score = np.maximum(model_score, lex)
        out["turnbackhoax_proxy"] = {
            "what": "TurnBackHoax 2024 claims (title + claim text): politics_hoax_text.csv as election-related, "
            "scam_hoax_text.csv as not; categories assigned by a language model, not people; evaluation only",
            "rows": len(rows),
            "roc_auc": round(float(roc_auc_score(y, score)), 4),
            "macro_f1_at_threshold": _macro(y, score >= head.threshold),
            "recall_politics": round(float(recall_score(y, score >= head.threshold)), 4),
            "precision_politics": round(float(precision_score(y, score >= head.threshold)), 4),
            "lexicon_only_macro_f1": _macro(y, lex >= 0.6),
            "threshold": head.threshold,
        }
    else:
        out["turnbackhoax_proxy"] = {"status": "not measured: factcheck-turnbackhoax-2024 missing"}
    return out


def _hoax_later_year(rows: HoaxRows, claims: list[dict[str, str]], slang: dict[str, str]) -> dict[str, Any]:
    """The shipped hoax recipe trained on all its rows, applied to TurnBackHoax 2024 headlines."""
    if not claims:
        return {"status": "not measurable: factcheck-turnbackhoax-2024 missing"}
    titles = [strip_verdict(c.get("TITLE", "")) for c in claims]
    return {
        "status": "partial",
        "what": "recall on hoax only: TurnBackHoax 2024 headlines (verdict prefixes stripped) are all debunked "
        "hoaxes and the shared data has no real news headlines of a later year, so macro-F1 (hoax and real "
        "mixed) cannot be measured; the headline proxy of `hoax` shows the other side",
        **hoax_headline_recall(rows, slang, HOAX_RECIPE, titles),
    }


def _hate_speech_other_election(forms: dict[str, list[str]], labels: dict[str, np.ndarray[Any, Any]]
                                ) -> dict[str, Any]:
    """Proxy of "hate speech on tweets of another election": for each election of ``ELECTIONS``, the tweet
    heads trained on every tweet that does not name it, tested on the tweets that name it and not the other."""
    raw = forms["raw"]
    names = {e: np.array([bool(rx.search(t)) for t in raw]) for e, rx in ELECTIONS.items()}
    runs: dict[str, Any] = {}
    for election, named in names.items():
        others = np.logical_or.reduce([m for e, m in names.items() if e != election])
        test = named & ~others
        train_rows = ~named
        run: dict[str, Any] = {"train_tweets": int(train_rows.sum()), "test_tweets": int(test.sum())}
        if test.sum() < 20 or len(set(labels["HS"][test])) < 2:
            runs[election] = {**run, "status": "not measurable: too few tweets of this election in the data"}
            continue
        part = {s: [v for v, m in zip(forms[s], train_rows, strict=True) if m] for s in forms}
        fs = fit_featureset("tweet", TWEET_BLOCKS, part)
        x_tr = fs.transform(part)
        x_te = fs.transform({s: [v for v, m in zip(forms[s], test, strict=True) if m] for s in forms})
        for label in ("hate_speech", "abusive"):
            y = labels[TWEET_LABELS[label]]
            coef, intercept = fit_linear(fs, x_tr, y[train_rows], HEAD_MEMBERS[label])
            pred = (_decide(coef, intercept, x_te) > 0).astype(np.int64)
            run[label] = {"macro_f1": _macro(y[test], pred), "positives": int(y[test].sum())}
        run["hate_speech"].update(_shipped_decision(fs, x_tr, x_te, labels["HS"][train_rows], labels["HS"][test]))
        runs[election] = run
    measured = [r["hate_speech"]["macro_f1"] for r in runs.values() if "hate_speech" in r]
    shipped = [r["hate_speech"]["macro_f1_shipped_decision"] for r in runs.values() if "hate_speech" in r]
    return {
        "macro_f1_shipped_decision_mean": round(float(np.mean(shipped)), 4) if shipped else None,
        "status": "proxy" if measured else "not measurable",
        "what": "no labelled tweets of another election exist in the shared data; proxy: re_dataset.csv split by the "
        "election a tweet names (Jakarta governor 2017 / presidential 2019), trained without the tweets naming "
        "one election, tested on them; same collection, annotators and period, so it flatters a real transfer",
        "macro_f1_mean": round(float(np.mean(measured)), 4) if measured else None,
        "runs": runs,
    }


def _shipped_decision(fs: FeatureSet, x_tr: sp.csr_matrix, x_te: sp.csr_matrix, y_tr: np.ndarray[Any, Any],
                      y_te: np.ndarray[Any, Any]) -> dict[str, Any]:
    """The hate-speech head as shipped (members, Platt sigmoid and threshold of ``fit_head``) trained on ``x_tr``
    and judged on ``x_te`` two ways: at the head's own threshold, and by the shipped decision for a batch of
    at least 30 items (the left-out election's tweets as one batch, as ``praja infowatch classify`` and the
    analysis of an import treat a file: its share estimated by EM on the unlabelled scores, the scores adjusted,
    the label set at 0.5; priorshift.py). No test label is used by either decision."""
    head = fit_head("hate_speech", fs, x_tr, y_tr)
    scores = head.score(head.decision(x_te)).astype(np.float64)
    train_share = float(y_tr.mean())
    sh = priorshift.shift(scores, train_share)
    return {
        "macro_f1_head_threshold": _macro(y_te, (scores >= head.threshold).astype(np.int64)),
        "head_threshold": round(float(head.threshold), 4),
        "macro_f1_shipped_decision": _macro(y_te, (sh.adjusted >= priorshift.DECISION).astype(np.int64)),
        "share_train": round(train_share, 4),
        "share_estimated": round(sh.batch_prior, 4),
        "share_true": round(float(y_te.mean()), 4),
    }


def _throughput(texts: list[str]) -> dict[str, Any]:
    from praja.infowatch.text.classify import load_default

    model = load_default()
    if model is None:
        return {"status": "no shipped model file"}
    sample = texts[:2000]
    model.predict(sample[:50])
    started = time.perf_counter()
    model.predict(sample)
    seconds = time.perf_counter() - started
    return {
        "items": len(sample),
        "seconds": round(seconds, 3),
        "items_per_s": round(len(sample) / seconds, 1),
        "what": "shipped model, one process, tweets of re_dataset.csv",
    }


def evaluate(data_dir: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The metrics of issue 5's table that the shared data can measure, and which rows it cannot."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    slang = load_slang(data_dir / SLANG_FILE)
    texts, labels = load_tweets(data_dir)
    forms = _forms(texts, slang)
    _tick(progress, "eval", 0, 5)
    tweets = _tweet_cv(forms, labels, 5, progress)
    _tick(progress, "eval", 1, 5)
    hoax, hoax_rows = _hoax_by_topic(data_dir, slang, progress)
    _tick(progress, "eval", 2, 5)
    claims = load_turnbackhoax(data_dir)
    election = _election(forms, data_dir, slang, claims)
    _tick(progress, "eval", 3, 5)
    later = _hoax_later_year(hoax_rows, claims, slang)
    other_election = _hate_speech_other_election(forms, labels)
    _tick(progress, "eval", 4, 5)
    result = {
        "hate_speech_macro_f1_5fold": tweets["hate_speech"]["macro_f1"],
        "abusive_macro_f1_5fold": tweets["abusive"]["macro_f1"],
        "hoax_macro_f1_by_topic": hoax["macro_f1"],
        "targets": {"hate_speech": 0.88, "abusive": 0.90, "hoax_by_topic": 0.85, "cross_domain": 0.80},
        "tweets": tweets,
        "hoax": hoax,
        "election": election,
        "cross_domain": {
            "hoax_headlines_later_year": later,
            "hate_speech_other_election": other_election,
        },
        "throughput": _throughput(texts),
        "seeds": {"folds": SEED},
        "seconds": 0.0,
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    _tick(progress, "eval", 5, 5)
    return result
