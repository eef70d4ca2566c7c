"""'What changed in the last 24 hours' on the dashboard: reports, rakor held, commitments made and closed,
clarifications published, activity reports filed; and the trend arrows against the day before."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from praja.base import audit
from praja.situation.tests.busy import SYSTEM, make_activity, make_rakor, make_report
from praja.situation.tests.conftest import World


def _kinds(r: object) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for x in r.context["events"]:  # type: ignore[attr-defined]
        out.setdefault(x["e"].kind, []).append(x["e"].text)
    return out


def test_the_last_24_hours_list_rakor_commitments_clarifications_and_activities(busy: World,
                                                                                 polres_ops: Client) -> None:
    from praja.infowatch.models import Clarification

    meeting = make_rakor(busy)
    make_activity("Sambang tokoh agama di Donomulyo", kind="preemptive")
    with audit.acting_as(SYSTEM):
        Clarification.objects.create(title="Klarifikasi: surat suara aman", body="isi", status="published",
                                     published_at=timezone.now() - datetime.timedelta(minutes=30))
    r = polres_ops.get("/situasi/peristiwa/?wilayah=35.07")
    assert r.status_code == 200
    kinds = _kinds(r)
    assert kinds["meeting"] == ["Rakor lintas sektoral"]
    # Each decision that became a commitment is new when its rakor was held; the one closed since is done.
    assert sorted(kinds["commitment_new"]) == ["Pemerintah Provinsi Jawa Timur: Sosialisasi netralitas ASN",
                                               "Polres Malang: Pemetaan titik kampanye",
                                               "Polsek Donomulyo: Patroli gabungan di Donomulyo"]
    assert kinds["commitment_done"] == ["Pemerintah Provinsi Jawa Timur: Sosialisasi netralitas ASN"]
    assert kinds["clarification"] == ["Klarifikasi: surat suara aman"]
    assert kinds["activity"] == ["Pre-emtif: Sambang tokoh agama di Donomulyo"]
    assert {"report", "severe"} <= set(kinds)
    body = r.content.decode()
    for label in ("Rakor", "Komitmen baru", "Komitmen selesai", "Klarifikasi terbit", "Kegiatan", "Laporan berat"):
        assert f">{label}</span>" in body
    assert body.count(f'href="/koordinasi/rakor/{meeting.pk}/"') == 5  # the rakor, three new, one done


def test_a_rakor_held_two_days_ago_is_not_new(busy: World, polres_ops: Client) -> None:
    make_rakor(busy, title="Rakor lama", hours_ago=48, decisions=[("Apel gelar pasukan", "polres-malang", 3, False)])
    kinds = _kinds(polres_ops.get("/situasi/peristiwa/?wilayah=35.07"))
    assert "meeting" not in kinds and "commitment_new" not in kinds


def test_the_reports_card_shows_a_rising_or_falling_trend(busy: World, polres_ops: Client) -> None:
    # The busy day: 3 reports in Kabupaten Malang in the last 24 hours, none the day before.
    body = polres_ops.get("/situasi/?wilayah=35.07").content.decode()
    assert 'class="card-num trend-up" data-figure="reports_24h">3<' in body
    for _ in range(5):
        make_report(None, "35.07.02.2001", hours_ago=30)
    r = polres_ops.get("/situasi/peristiwa/?wilayah=35.07")
    assert r.context["trends"]["reports_24h"] == "down"
    assert 'class="card-num trend-down" data-figure="reports_24h">3<' in r.content.decode()
