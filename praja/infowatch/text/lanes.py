"""Which lane of the analyst queue a text belongs to: ``scam`` (promotions, prize and credit scams, gambling
and loan spam, phishing links) or ``main`` (everything else, ranked by election relevance, reach and growth).

A scam is harmful, but it is not what an election security desk must answer first: a "promo pulsa gratis"
message must never rank above a hoax about ballot boxes in a rawan kecamatan. So scams and spam get their own
lane instead of competing on the same score.

The rule is deliberately plain and readable (cue phrases, counted by kind): a text is a scam when it holds
an offer (promo, gratis, hadiah, pulsa, ...) together with a call to act (klik, link, hubungi, daftar
sekarang, a short link), or one strong cue (gambling slang, a one-time-password request). An offer alone, or
money alone, is not enough: money politics ("amplop Rp 50 ribu dan pulsa") is an election matter. Pure: no Django.
"""

from __future__ import annotations

import re

SCAM = "scam"
MAIN = "main"

_CUES: dict[str, tuple[str, ...]] = {
    "offer": (r"promo", r"gratis", r"hadiah", r"undian", r"giveaway", r"bonus", r"diskon", r"cashback",
              r"kuota\s+(?:gratis|internet)", r"pulsa", r"saldo\s+(?:dana|gopay|ovo)", r"voucher", r"menang(?:kan)?",
              r"selamat\s+anda", r"terpilih\s+sebagai\s+pemenang"),
    "act": (r"klik", r"kunjungi", r"daftar\s+(?:sekarang|di)", r"bit\.ly", r"s\.id/", r"tinyurl", r"wa\.me",
            r"hubungi", r"chat\s+admin", r"isi\s+(?:data|formulir)", r"link\s+(?:berikut|di\s+bawah|ini)",
            r"segera\s+(?:klaim|ambil|daftar)", r"klaim\s+(?:hadiah|sekarang|di)"),
    "money": (r"transfer", r"rekening", r"biaya\s+admin", r"rp\s?\d", r"\d+\s?(?:rb|ribu|jt|juta)\b",
              r"pinjaman", r"pinjol", r"cair", r"modal"),
    "strong": (r"\bslot\b", r"gacor", r"judi", r"togel", r"maxwin", r"kode\s+otp", r"\botp\b", r"deposit"),
}
_PATTERNS = {kind: re.compile(r"(?:" + "|".join(cues) + r")", re.IGNORECASE) for kind, cues in _CUES.items()}


def scam_cues(text: str) -> dict[str, str]:
    """{kind: the first cue found} for each kind of cue in ``text``."""
    out = {}
    head = text[:5000]
    for kind, pat in _PATTERNS.items():
        m = pat.search(head)
        if m:
            out[kind] = m.group(0)
    return out


def lane(text: str) -> str:
    """``scam`` or ``main`` (see the module's rule)."""
    cues = scam_cues(text)
    if "strong" in cues:
        return SCAM
    return SCAM if "offer" in cues and "act" in cues else MAIN
