"""Normalisation of Indonesian social text (pure core, no database)."""

import csv
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from praja.infowatch.text.normalise import Normaliser, load_slang, normalise

HATE = Path(settings.SHARED_DATA_DIR) / "hatespeech-id"
pytestmark = pytest.mark.needs_shared_data("hatespeech-id")


@pytest.fixture(scope="module")
def slang() -> dict[str, str]:
    return load_slang(HATE / "new_kamusalay.csv")


def test_it_expands_slang_from_the_corpus_dictionary(slang: Any) -> None:
    assert normalise("jgn bgt loe", slang=slang) == "jangan banget kamu"


def test_it_keeps_the_user_and_url_masks_of_the_corpus(slang: Any) -> None:
    out = normalise("RT USER: lihat https://t.co/abc URL @budi", slang=slang)
    assert out.split() == ["user", ":", "lihat", "url", "url", "user"]


def test_it_shortens_repeated_letters_and_spells_out_reduplication(slang: Any) -> None:
    assert normalise("bangeeeet", slang=slang) == "banget"
    assert normalise("anak2 main", slang={}) == "anak anak main"


def test_it_turns_the_corpus_byte_escapes_into_emoji_and_drops_literal_newlines() -> None:
    out = normalise(r"cebong sewot...\n\xf0\x9f\x98\x82", slang={})
    assert "\\" not in out and "😂" in out and "cebong" in out


def test_it_strips_html_and_script() -> None:
    out = normalise("<p>Hoaks!</p><script>alert('x')</script> &amp; benar", slang={})
    assert "alert" not in out and "<" not in out and out.startswith("hoaks")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 1_000_000,
        "\x00\x01\xff\ufffe",
        "这是中文 Ελληνικά العربية",
        b"\xff\xfe bytes".decode("latin-1"),
    ],
)
def test_it_survives_bad_input(text: Any) -> None:
    out = normalise(text, slang={})
    assert isinstance(out, str) and len(out) <= 30_000


def test_it_normalises_real_tweets_of_the_corpus(slang: Any) -> None:
    with open(HATE / "re_dataset.csv", encoding="latin-1", newline="") as handle:
        rows = [row for _, row in zip(range(200), csv.reader(handle), strict=False)][1:]
    norm = Normaliser(slang)
    outs = [norm(row[0]) for row in rows]
    assert all(out == out.lower() for out in outs)
    assert sum("yang" in out.split() for out in outs) > sum("yg" in out.split() for out in outs)
    assert not any("yg" in out.split() for out in outs)


def test_stemming_is_optional_and_uses_sastrawi(slang: Any) -> None:
    assert "main" in Normaliser(slang, stem=True)("mereka bermain bola").split()
