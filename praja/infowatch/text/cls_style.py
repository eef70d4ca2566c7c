"""Topic-independent style features of a news text (for the hoax head).

Hoax articles and news reports differ in how they are written more than in what they are about:
exclamation and question marks, capitals, numbers, line breaks, calls to share ("sebarkan", "viral"),
attribution of sources ("mengatakan", "dilansir", the names of news outlets, weekdays and "WIB").
`style_vector(text)` gives these as plain numbers of the raw text (before normalisation); the feature
block of kind "style" (features.py) standardises them with the mean and spread of the training rows.
"""

from __future__ import annotations

import math

TERMS = (
    "sebarkan", "viral", "share", "bagikan", "beredar", "hoax", "hoaks", "dilansir", "mengatakan", "kata",
    "menurut", "ujar", "jelas", "tutur", "jakarta", "kompas", "detik", "liputan6", "tempo", "antara", "tribun",
    "republika", "cnn", "okezone", "sumber", "klarifikasi", "bohong", "benar", "fakta", "waspada", "awas",
    "penting", "hati-hati", "tidak benar", "dikutip", "kepada wartawan", "saat dihubungi", "selasa", "rabu",
    "kamis", "jumat", "sabtu", "minggu", "senin", "wib", "(", ")", '"', "!", "?", "...", "allah", "amin",
    "astaghfirullah",
)  # fmt: skip
STATS = ("log_length", "exclaim", "question", "upper", "digit", "upper_words", "newline", "word_length")
NAMES = STATS + tuple(f"term:{term}" for term in TERMS)


def style_vector(text: str) -> list[float]:
    """The style numbers of one text, in the order of `NAMES`."""
    length = max(len(text), 1)
    words = text.split()
    n_words = max(len(words), 1)
    lower = text.lower()
    out = [
        math.log1p(length),
        text.count("!") / length * 1000,
        text.count("?") / length * 1000,
        sum(ch.isupper() for ch in text) / length,
        sum(ch.isdigit() for ch in text) / length,
        sum(1 for word in words if word.isupper() and len(word) > 2) / n_words,
        text.count("\n") / length * 1000,
        sum(len(word) for word in words) / n_words if words else 0.0,
    ]
    out.extend(math.log1p(lower.count(term)) for term in TERMS)
    return out
