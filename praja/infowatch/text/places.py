"""Place and people mentions: which kecamatan and desa of the district (and which listed persons) a text
names, so an item can be put on the map.

Names are matched on folded word sequences, with and without the spaces inside a name
("Sumber Pucung" = "Sumberpucung"), and the words "kecamatan", "kec", "desa", "ds", "kelurahan", "kel"
in front of a name decide its level. Rules for the hard cases:
- a desa name shared by several desa of the district is kept only when the text also names the kecamatan
  of one of them (otherwise the map would light up the wrong desa);
- a name that is also its kecamatan's name ("Kepanjen") is the kecamatan unless "desa"/"kelurahan" stands
  before it;
- a name that is also an everyday word ("pakis" fern, "bayem" spinach, "pojok" corner) counts only right
  after a place word (see ``COMMON_WORDS``; the list is a constructor argument).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from praja.infowatch.text.bm25 import fold

COMMON_WORDS = frozenset({
    "pakis", "dau", "taji", "duwet", "bayem", "pait", "kasri", "codo", "pojok", "bokor", "kedok", "talok",
    "kemiri", "jeru", "dilem", "kidal", "blayu", "klepu", "druju", "kucur", "ngijo", "bocek", "wagir",
    "lawang", "sukolilo", "purwodadi", "purworejo", "sidodadi", "jatisari", "gedangan",
    "wonosari", "sukorejo", "sumberagung", "banjarejo",
})
_KEC_WORDS = frozenset({"kecamatan", "kec", "kac", "camat"})
_DESA_WORDS = frozenset({"desa", "ds", "kelurahan", "kel", "dusun", "dsn", "kampung"})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LEVELS = {"3": 3, "4": 4, "kecamatan": 3, "desa": 4, "kelurahan": 4, "kec": 3}


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _level(level: object) -> int:
    try:
        return _LEVELS[str(level).strip().lower()]
    except KeyError:
        return int(str(level))


@dataclass(frozen=True)
class Mentions:
    places: list[str]
    people: list[str]


@dataclass
class Gazetteer:
    """Kecamatan (level 3) and desa (level 4) names of one district: entries are (code, name, level)
    with desa codes extending their kecamatan's code (35.07.01.2001 lies in 35.07.01)."""

    entries: Sequence[tuple[str, str, object]]
    common_words: frozenset[str] = COMMON_WORDS
    people: dict[str, list[list[str]]] = field(default_factory=dict)
    _by_key: dict[str, list[tuple[str, int]]] = field(init=False, default_factory=dict)
    _max_len: int = field(init=False, default=1)

    def __post_init__(self) -> None:
        for code, name, level in self.entries:
            lv = _level(level)
            if lv not in (3, 4):
                continue
            words = _words(name)
            if not words:
                continue
            for key in {" ".join(words), "".join(words)}:
                self._by_key.setdefault(key, []).append((str(code), lv))
            self._max_len = max(self._max_len, len(words))

    @classmethod
    def from_csv(cls, path: str | Path, prefix: str = "") -> Gazetteer:
        """From a kode,nama,level CSV (../shared/data/wilayah/kab_malang_35.07_wilayah.csv), the codes
        starting with ``prefix`` only."""
        with open(path, encoding="utf-8", newline="") as f:
            rows = [(r["kode"], r["nama"], r["level"]) for r in csv.DictReader(f) if r["kode"].startswith(prefix)]
        return cls(rows)

    def with_people(self, people: Iterable[tuple[str, str] | str]) -> Gazetteer:
        """A copy that also finds persons: (key, name) pairs or plain names (the name is the key). A name
        matches in full ("Sanusi" alone does not match "H. M. Sanusi" unless listed so); list aliases as
        more pairs with the same key."""
        listed: dict[str, list[list[str]]] = {k: list(v) for k, v in self.people.items()}
        for p in people:
            key, name = (p, p) if isinstance(p, str) else p
            words = _words(name)
            if words:
                listed.setdefault(str(key), []).append(words)
        return Gazetteer(self.entries, self.common_words, listed)

    def find(self, text: str) -> list[str]:
        """Codes of the kecamatan and desa ``text`` names, in order of first mention, no repeats."""
        words = _words(text[:200_000])
        hits: list[tuple[int, str, int, bool]] = []  # position, key, level wanted (0 any), after place word
        i = 0
        while i < len(words):
            found = False
            for n in range(min(self._max_len, len(words) - i), 0, -1):
                span = words[i:i + n]
                for key in (" ".join(span), "".join(span)):
                    if key in self._by_key:
                        prev = words[i - 1] if i else ""
                        want = 3 if prev in _KEC_WORDS else 4 if prev in _DESA_WORDS else 0
                        hits.append((i, key, want, want != 0))
                        i += n
                        found = True
                        break
                if found:
                    break
            if not found:
                i += 1
        # kecamatan named anywhere, to place ambiguous desa names
        kec_named = {code for _, key, want, _ in hits for code, lv in self._by_key[key]
                     if lv == 3 and want in (0, 3) and (key not in self.common_words or want == 3)}
        out: list[str] = []
        for _, key, want, placed in hits:
            if key in self.common_words and not placed:
                continue
            cands = self._by_key[key]
            if want:
                cands = [c for c in cands if c[1] == want] or cands
            kecs = [c for c in cands if c[1] == 3]
            desas = [c for c in cands if c[1] == 4]
            if kecs and not (want == 4 and desas):
                chosen = [kecs[0][0]]
            elif len(desas) == 1:
                chosen = [desas[0][0]]
            else:
                chosen = [c for c, _ in desas if c.rsplit(".", 1)[0] in kec_named]
            for c in chosen:
                if c not in out:
                    out.append(c)
        return out

    def find_people(self, text: str) -> list[str]:
        """Keys of the listed persons ``text`` names (full listed name as consecutive words)."""
        if not self.people:
            return []
        words = _words(text[:200_000])
        joined = " " + " ".join(words) + " "
        return [key for key, names in self.people.items() if any(f" {' '.join(n)} " in joined for n in names)]

    def mentions(self, text: str) -> Mentions:
        return Mentions(self.find(text), self.find_people(text))
