"""A hoax report goes to the hoax desk, and its sender sees the published clarification on the follow page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from praja.accounts.tests.fixtures import world  # noqa: F401
from praja.reports import forwarding, intake
from praja.reports.models import Report


def hoax(text: str = "Pesan berantai: TPS 3 pindah ke balai desa https://contoh.example/kabar.") -> intake.Receipt:
    return intake.submit(intake.validate({"category": "hoaks", "description": text}), channel="web_publik")


def test_a_hoax_report_is_forwarded_once_and_noted(world: Any) -> None:  # noqa: F811
    from praja.infowatch.models import ForwardedReport

    answer = hoax()
    assert forwarding.forward_hoax(answer.report.pk) and forwarding.forward_hoax(answer.report.pk)
    forwarded = ForwardedReport.objects.get(receipt=answer.receipt)
    assert forwarded.url == "https://contoh.example/kabar"
    assert answer.report.timeline.filter(kind="catatan", visible_to_sender=False).count() == 1
    other = intake.submit(intake.validate({"category": "keamanan", "description": "x"}), channel="web_publik")
    assert not forwarding.forward_hoax(other.report.pk)


def test_a_failing_hoax_desk_leaves_the_report_as_it_is(world: Any, monkeypatch: Any) -> None:  # noqa: F811
    from praja.infowatch import services

    def broken(*args: Any) -> None:
        raise RuntimeError("infowatch down")

    monkeypatch.setattr(services, "ingest_forwarded", broken)
    answer = hoax()
    assert forwarding.forward_hoax(answer.report.pk) is False
    assert Report.objects.filter(pk=answer.report.pk).exists() and answer.report.timeline.count() == 1


def test_the_sender_reads_the_published_clarification(world: Any) -> None:  # noqa: F811
    from praja.infowatch.models import Clarification, ForwardedReport

    answer = hoax()
    forwarding.forward_hoax(answer.report.pk)
    item = ForwardedReport.objects.get(receipt=answer.receipt).item
    Clarification.objects.create(item=item, title="TPS 3 tidak pindah", body="KPU: lokasi TPS 3 tetap.",
                                 status="published", published_at=timezone.now(), publisher_name="KPU Malang")
    Clarification.objects.create(item=item, title="Draf belum terbit", body="-", status="draft")
    client = Client()
    client.post("/lapor/ikuti/", {"receipt": answer.receipt, "pin": answer.pin})
    page = client.get(f"/lapor/ikuti/{answer.receipt}/").content.decode()
    assert "TPS 3 tidak pindah" in page and "KPU: lokasi TPS 3 tetap." in page and "Draf belum terbit" not in page
