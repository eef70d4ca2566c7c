

def test_a_nik_in_a_log_line_keeps_only_its_first_four_digits() -> None:
    from praja.base.masking import mask_text

    masked = mask_text("NIK 3507012345678901 melapor")
    assert "3507012345678901" not in masked and "012345678901" not in masked
    assert masked == "NIK 3507************ melapor"


def test_a_phone_or_nik_is_masked_but_a_digest_that_holds_such_digits_is_kept_whole() -> None:
    """An import's audit entry keeps the file's SHA-256; a hex digest can hold 16 decimal digits in a row or "08"
    and 7 or more (0.67 % of them do), which were masked as a NIK or a phone number: the hash was lost."""
    from praja.base.masking import mask_text

    digest = "67bc8b7ad14e" + "3507012345678901" + "cdf1ea318e0812345678" + "9abcdef0123456789abcd"
    assert mask_text(digest) == digest
    assert mask_text(f"sha256={digest}") == f"sha256={digest}"
    assert mask_text("hubungi 081234567890 atau +6281234567890.") == "hubungi 0812******90 atau +628********90."
    assert mask_text("(NIK:3507012345678901)") == "(NIK:3507************)"


def test_the_audit_masks_a_phone_in_its_changes_but_keeps_a_key_id_or_digest_whole() -> None:
    """The audit's own phone rule (separators allowed) masked "083450" inside the seal key's id "f5cc083450f3" (a
    key rotation's entry then named no key; 2.31 % of SHA-256 digests were hit the same way)."""
    from praja.base.audit_protect import protect

    changes = {"key": "f5cc083450f3", "sha256": "ab" + "0812345" * 8 + "cd", "note": "hubungi 0812-3333-4444 ya"}
    out = protect("reports.report", changes)
    assert out["key"] == "f5cc083450f3" and out["sha256"] == changes["sha256"]
    assert "3333-4444" not in out["note"] and out["note"].startswith("hubungi 0812")
