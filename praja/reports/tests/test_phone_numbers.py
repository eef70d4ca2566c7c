"""One phone number, however it is written, is one number for the limits and the sender's keyed hash
(praja/reports/sealing.py: lokal-id's parser, the old digits rule for what it does not take)."""

from __future__ import annotations

from praja.reports.sealing import normalise_phone


def test_every_common_way_of_writing_a_mobile_number_gives_the_same_number() -> None:
    written = ["+62 812-3456 7890", "0812 3456 7890", "6281234567890", "0812.3456.7890", "(+62) 812 3456 7890",
               "812 3456 7890"]
    assert {normalise_phone(w) for w in written} == {"6281234567890"}


def test_a_landline_keeps_its_area_code() -> None:
    assert normalise_phone("(0341) 555-123") == normalise_phone("+62 341 555 123") == "62341555123"


def test_what_is_not_an_indonesian_number_is_still_counted_by_its_digits() -> None:
    assert normalise_phone("12345") == "12345"
    assert normalise_phone("0 1234") == "621234"
    assert normalise_phone("") == ""
