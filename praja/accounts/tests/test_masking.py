

def test_a_nik_in_a_log_line_keeps_only_its_first_four_digits() -> None:
    from praja.base.masking import mask_text

    masked = mask_text("NIK 3507012345678901 melapor")
    assert "3507012345678901" not in masked and "012345678901" not in masked
    assert masked == "NIK 3507************ melapor"
