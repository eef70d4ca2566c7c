"""Public pages: open without signing in, say how and where to report, list Info Resmi and the stage
calendar, and never show deployment detail."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from praja.base import audit
from praja.situation.tests.busy import SYSTEM
from praja.situation.tests.conftest import World


def test_the_public_page_opens_without_login_with_report_info_and_stages(world: World) -> None:
    from praja.coordination.models import Election, Stage
    from praja.infowatch.models import Clarification

    today = timezone.localdate()
    with audit.acting_as(SYSTEM):
        e = Election.objects.create(slug="pilkada-uji", name="Pilkada Uji")
        Stage.objects.create(election=e, order=1, name="Kampanye", start=today - datetime.timedelta(days=3),
                             end=today + datetime.timedelta(days=3), posture="Patroli dialogis 120 personel",
                             checklist=["Pos pengamanan terisi"])
        Clarification.objects.create(title="Tidak benar surat suara sudah dicoblos", body="...", status="published",
                                     published_at=timezone.now())
        Clarification.objects.create(title="Draf belum terbit", body="...", status="draft")
    r = Client().get("/publik/")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'href="/lapor/"' in body
    assert "Tidak benar surat suara sudah dicoblos" in body and "Draf belum terbit" not in body
    assert "Kampanye" in body and "sedang berlangsung" in body
    # No deployment detail: not the stage's security posture nor the operation's checklist.
    assert "Patroli dialogis" not in body and "Pos pengamanan terisi" not in body
    assert Client().get("/publik/tahapan/").status_code == 200


def test_the_dashboard_and_lapsit_still_need_a_login(world: World) -> None:
    anon = Client()
    for url in ("/situasi/", "/situasi/peristiwa/", "/situasi/lapsit/", "/situasi/lapsit/draf/"):
        r = anon.get(url)
        assert r.status_code == 302 and "/akun/" in r["Location"], url
