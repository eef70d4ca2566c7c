"""The shared intake path: validation names each field; a stored report is whole and answered once."""

from __future__ import annotations

from typing import Any

import pytest

from praja.reports import intake, sealing
from praja.reports.models import Report, TimelineEntry


def test_it_names_every_bad_field(malang_regions: Any) -> None:
    with pytest.raises(intake.IntakeError) as err:
        intake.validate({"category": "alien", "severity": 9, "tps": "35.07.99.9999/001", "latitude": "x"})
    assert set(err.value.errors) >= {"category", "description", "severity", "tps", "latitude"}


def test_it_stores_a_report_with_its_first_timeline_entry_and_a_receipt_that_opens_with_the_pin(
        malang_regions: Any) -> None:
    data = intake.validate({"category": "politik_uang", "description": "Bagi-bagi amplop di balai desa",
                            "region": "35.07.01.2001", "anonymous": False, "reporter_name": "Siti",
                            "phone": "0812-3456-7890"})
    answer = intake.submit(data, channel="web_publik")
    report = Report.objects.get(receipt=answer.receipt)
    assert intake.check_pin(report, answer.pin) and not intake.check_pin(report, "000000x")
    assert TimelineEntry.objects.filter(report=report, kind="dibuat").count() == 1
    assert "Siti" not in report.reporter_sealed and "812" not in report.reporter_sealed
    assert sealing.unseal(report.reporter_sealed) == {"name": "Siti", "phone": "6281234567890"}


def test_the_same_client_key_stores_one_report(malang_regions: Any) -> None:
    data = intake.validate({"category": "keamanan", "description": "Spanduk dirusak"})
    first = intake.submit(data, channel="web_petugas", client_key="phone-1:42")
    again = intake.submit(data, channel="web_petugas", client_key="phone-1:42")
    assert again.receipt == first.receipt and not again.created and again.pin == ""
    assert Report.objects.count() == 1
