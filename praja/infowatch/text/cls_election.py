"""Election relevance: a lexicon of election terms, and the weak labels the classifier learns from.

There is no labelled corpus of "is this post about the election" in the shared data, so the
election score is built in two honest parts (docs/infowatch-models.md says how it is evaluated):

1. the lexicon below: a term of the electoral process (KPU, Bawaslu, TPS, pilkada, coblos, paslon,
   politik uang...) in the normalised text gives its weight as the score directly;
2. a linear model on the same features as the hate-speech heads, trained on weak labels of the
   hate-speech tweets (a tweet with a lexicon term is positive, a tweet with neither a lexicon term
   nor a political word is negative, the rest is left out) with the lexicon terms themselves removed
   from the text, so that it learns the context in which election talk happens (camp nicknames,
   candidates' names of that time, campaign slogans) rather than the lexicon again.

The score is the larger of the two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# Terms of the electoral process, in normalised form (lower case, slang expanded). Weight 0.9: the
# term alone makes the text about an election; 0.6: usually so, in a campaign period.
ELECTION_TERMS: dict[str, float] = {
    # events and bodies
    "pemilu": 0.9,
    "pemilihan umum": 0.9,
    "pilkada": 0.9,
    "pilpres": 0.9,
    "pileg": 0.9,
    "pilgub": 0.9,
    "pilbup": 0.9,
    "pilwali": 0.9,
    "pilwalkot": 0.9,
    "pemilukada": 0.9,
    "kpu": 0.9,
    "kpud": 0.9,
    "bawaslu": 0.9,
    "panwaslu": 0.9,
    "panwascam": 0.9,
    "dkpp": 0.9,
    "ppk": 0.6,
    "pps": 0.6,
    "kpps": 0.9,
    "gakkumdu": 0.9,
    # voting
    "tps": 0.9,
    "coblos": 0.9,
    "mencoblos": 0.9,
    "pencoblosan": 0.9,
    "nyoblos": 0.9,
    "surat suara": 0.9,
    "kotak suara": 0.9,
    "hak pilih": 0.9,
    "daftar pemilih": 0.9,
    "dpt": 0.9,
    "pemilih": 0.6,
    "golput": 0.9,
    "quick count": 0.9,
    "hitung cepat": 0.9,
    "real count": 0.9,
    "rekapitulasi": 0.6,
    "rekapitulasi suara": 0.9,
    "penghitungan suara": 0.9,
    "perolehan suara": 0.9,
    "suara sah": 0.9,
    "pemungutan suara": 0.9,
    "pemungutan suara ulang": 0.9,
    "psu": 0.6,
    "surat undangan memilih": 0.9,
    "sirekap": 0.9,
    "situng": 0.9,
    # candidates and campaigns
    "capres": 0.9,
    "cawapres": 0.9,
    "caleg": 0.9,
    "cagub": 0.9,
    "cawagub": 0.9,
    "cabup": 0.9,
    "cawabup": 0.9,
    "cawalkot": 0.9,
    "calon bupati": 0.9,
    "calon gubernur": 0.9,
    "calon wali kota": 0.9,
    "calon walikota": 0.9,
    "calon presiden": 0.9,
    "calon legislatif": 0.9,
    "calon kepala daerah": 0.9,
    "paslon": 0.9,
    "pasangan calon": 0.9,
    "nomor urut": 0.9,
    "kampanye": 0.9,
    "masa tenang": 0.9,
    "debat kandidat": 0.9,
    "debat capres": 0.9,
    "debat pilkada": 0.9,
    "tim sukses": 0.9,
    "timses": 0.9,
    "tim kampanye": 0.9,
    "petahana": 0.6,
    "incumbent": 0.6,
    "politik uang": 0.9,
    "money politic": 0.9,
    "money politics": 0.9,
    "serangan fajar": 0.9,
    "politik identitas": 0.6,
    "koalisi": 0.6,
    "partai": 0.6,
    "parpol": 0.6,
    "2019gantipresiden": 0.9,
    "gantipresiden": 0.9,
    "2periode": 0.6,
    "dua periode": 0.6,
    "kecurangan pemilu": 0.9,
    "pemilu curang": 0.9,
    "netralitas": 0.6,
    "presidential threshold": 0.9,
    "elektabilitas": 0.9,
    "survei elektabilitas": 0.9,
    "pilih nomor": 0.9,
}

# Words of politics in general: a tweet with one of these but no election term is neither a weak
# positive nor a weak negative, it is left out of the weak labels.
POLITICAL_WORDS = frozenset(
    "presiden wapres gubernur bupati walikota wali dpr dprd mpr menteri pemerintah rezim oposisi "
    "jokowi prabowo ahok anies sandi sandiaga djarot ma'ruf maruf amin cebong kampret kadrun "
    "politik politikus pdip gerindra demokrat golkar pks pan pkb nasdem hanura perindo psi ppp "
    "istana penguasa antek aseng asing 2019 kubu pendukung lawan menang kalah".split()
)

_SPACE = re.compile(r"\s+")


def _grams(text: str) -> set[str]:
    words = _SPACE.split(text.strip())
    out = set(words)
    out.update(" ".join(words[i : i + 2]) for i in range(len(words) - 1))
    out.update(" ".join(words[i : i + 3]) for i in range(len(words) - 2))
    out.update(" ".join(words[i : i + 4]) for i in range(len(words) - 3))
    return out


def lexicon_hits(normalised: str, lexicon: Mapping[str, float]) -> list[tuple[str, float]]:
    """The lexicon terms in a normalised text, with their weights, strongest first."""
    if not normalised:
        return []
    grams = _grams(normalised)
    hits = [(term, weight) for term, weight in lexicon.items() if term in grams]
    return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


def lexicon_score(normalised: str, lexicon: Mapping[str, float]) -> float:
    """The weight of the strongest lexicon term in the text (0 when none); two usual terms make 0.9."""
    hits = lexicon_hits(normalised, lexicon)
    if not hits:
        return 0.0
    if len(hits) >= 2 and hits[0][1] < 0.9:
        return 0.9
    return hits[0][1]


def mask_terms(normalised: str, lexicon: Iterable[str]) -> str:
    """The text with every lexicon term removed (the weak-label model must not see them)."""
    out = f" {normalised} "
    for term in sorted(lexicon, key=len, reverse=True):
        if f" {term} " in out:
            out = out.replace(f" {term} ", " ")
            out = out.replace(f" {term} ", " ")  # overlapping occurrences
    return _SPACE.sub(" ", out).strip()


def weak_label(normalised: str, lexicon: Mapping[str, float]) -> int | None:
    """1 when a strong lexicon term is present, 0 when neither a term nor a political word is, else None."""
    hits = lexicon_hits(normalised, lexicon)
    if any(weight >= 0.9 for _, weight in hits):
        return 1
    if hits:
        return None
    if POLITICAL_WORDS.intersection(normalised.split()):
        return None
    return 0
