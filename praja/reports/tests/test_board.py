"""The handler's board and a report's page: my queue, due soon, overdue, per kecamatan and path, voting-day
filters, new reports appearing through the htmx poll, and the handling steps from the page."""

from __future__ import annotations

import datetime
from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone

from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World, client_for, main_of
from praja.base import audit
from praja.reports import handling
from praja.reports.models import Report, Status, TimelineEntry
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import SYSTEM, act, file_report


def receipts(response: HttpResponseBase) -> set[str]:
    body = main_of(response)
    return {r.receipt for r in Report.objects.all() if r.receipt in body}


def test_the_board_shows_the_reports_of_ones_region_and_the_menu_links_it(hworld: World) -> None:
    home = file_report(title="Amplop di Tulungrejo", region=HOME_DESA)
    other = file_report(title="Amplop di Arjosari", region=OTHER_DESA)
    c = client_for(hworld.people["kapolsek"].user, second_factor=False)
    r = c.get("/laporan/?tampilan=semua")
    assert r.status_code == 200
    assert receipts(r) == {home.receipt}
    assert 'href="/laporan/"' in r.content.decode()  # "Laporan" in the main menu
    bawaslu = client_for(hworld.people["bawaslu"].user)
    assert receipts(bawaslu.get("/laporan/?tampilan=semua")) == {home.receipt, other.receipt}


def test_new_reports_appear_in_the_polled_fragment_highlighted(hworld: World) -> None:
    first = file_report(region=HOME_DESA)
    c = client_for(hworld.people["bawaslu"].user)
    page = c.get("/laporan/").content.decode()
    assert 'hx-trigger="every 20s"' in page and "partial=1" in page
    since = first.pk
    newer = file_report(region=HOME_DESA, title="Kericuhan di TPS 2", category="kekerasan", severity="4")
    frag = c.get(f"/laporan/?tampilan=semua&sejak={since}&partial=1", HTTP_HX_REQUEST="true")
    html = frag.content.decode()
    assert "<html" not in html and 'id="board-live"' in html
    assert f'class="rh-new" data-receipt="{newer.receipt}"' in html
    assert f'class="rh-new" data-receipt="{first.receipt}"' not in html
    assert "1 laporan baru sejak halaman dibuka" in html


def test_voting_day_filters_narrow_the_board(hworld: World) -> None:
    crit = file_report(region=HOME_DESA, severity="4", category="kekerasan", description="Bentrok massa")
    low = file_report(region=OTHER_DESA, severity="1", category="logistik", description="Kotak suara telat")
    old = file_report(region=HOME_DESA, description="Kejadian kemarin")
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=2))
    c = client_for(hworld.people["bawaslu"].user)
    assert receipts(c.get("/laporan/?tampilan=semua&tingkat=4")) == {crit.receipt}
    assert receipts(c.get("/laporan/?tampilan=semua&kategori=logistik")) == {low.receipt}
    assert receipts(c.get("/laporan/?tampilan=semua&kecamatan=35.07.02")) == {low.receipt}
    assert receipts(c.get("/laporan/?tampilan=semua&waktu=24jam")) == {crit.receipt, low.receipt}
    page = main_of(c.get("/laporan/?tampilan=aktif"))
    assert "Donomulyo" in page and "Kalipare" in page  # per kecamatan


def test_my_queue_due_soon_and_overdue(hworld: World) -> None:
    P = hworld.people
    a, b, c_ = (file_report(region=HOME_DESA, description=f"Kejadian {i}") for i in range(3))
    with audit.acting_as(SYSTEM):
        for r in (a, b, c_):
            handling.verify(r, act(P["bawaslu"]))
        handling.assign(a, act(P["bawaslu"]), hworld.agencies["polsek-donomulyo"])
        handling.refer(b, act(P["bawaslu"]), "pidana", now=timezone.now() - datetime.timedelta(days=10))
        handling.refer(c_, act(P["bawaslu"]), "administrasi")
    Report.objects.filter(pk=c_.pk).update(due_at=timezone.now() + datetime.timedelta(hours=3))
    kapolsek = client_for(P["kapolsek"].user, second_factor=False)
    assert receipts(kapolsek.get("/laporan/?tampilan=antrian")) == {a.receipt}
    bawaslu = client_for(P["bawaslu"].user)
    assert receipts(bawaslu.get("/laporan/?tampilan=terlambat")) == {b.receipt}
    assert receipts(bawaslu.get("/laporan/?tampilan=segera")) == {c_.receipt}
    overdue = main_of(bawaslu.get("/laporan/terlambat/"))
    assert "Sentra Gakkumdu Kabupaten Malang" in overdue and b.receipt in overdue and "terlambat" in overdue


def test_a_handler_verifies_and_refers_from_the_report_page(hworld: World) -> None:
    report = file_report(region=HOME_DESA, tps="35.07.01.2001/001", latitude="-8.3", longitude="112.41")
    c = client_for(hworld.people["bawaslu"].user)
    page = c.get(f"/laporan/r/{report.receipt}/")
    assert page.status_code == 200 and "Tulungrejo" in main_of(page)
    assert "-8.3" not in main_of(page)  # the point is behind a logged button
    c.post(f"/laporan/r/{report.receipt}/aksi/verify/", {"severity": "3", "note": "Dicek"})
    r = c.post(f"/laporan/r/{report.receipt}/aksi/refer/", {"path": "pidana", "recipient": "", "note": ""})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REFERRED and report.referred_to == hworld.agencies["gakkumdu-malang"]
    shown = main_of(c.get(f"/laporan/r/{report.receipt}/"))
    assert "Sentra Gakkumdu Kabupaten Malang" in shown and "lagi" in shown  # time left
    point = c.post(f"/laporan/r/{report.receipt}/lokasi/").content.decode()
    assert "-8.30000" in point
    assert report.timeline.filter(kind=TimelineEntry.Kind.PROTECTED_VIEW, actor=hworld.people["bawaslu"].user).exists()


def test_a_refused_step_is_explained_and_changes_nothing(hworld: World) -> None:
    report = file_report(region=HOME_DESA)
    c = client_for(hworld.people["bawaslu"].user)
    r = c.post(f"/laporan/r/{report.receipt}/aksi/close/", {"reason": "selesai"}, follow=True)
    assert "Tidak dapat mengubah status" in r.content.decode()
    report.refresh_from_db()
    assert report.status == Status.NEW and report.timeline.count() == 1


def test_a_neutrality_report_waits_in_the_queue_of_its_path_recipient_and_bawaslu(
        hworld: World, django_capture_on_commit_callbacks: Any) -> None:
    P = hworld.people
    polsek = hworld.agencies["polsek-donomulyo"]
    with django_capture_on_commit_callbacks(execute=True):  # routing runs after the commit
        about = file_report(category="netralitas", subject_kind="polri", subject_unit=str(polsek.pk),
                            description="Anggota Polsek mengarahkan pemilih")
        plain = file_report(region=HOME_DESA, category="logistik", description="Kotak suara terlambat")
    with audit.acting_as(SYSTEM):
        for r in (about, plain):
            handling.verify(r, act(P["bawaslu"]))  # no longer new: only routing puts it in a queue
    propam = client_for(P["propam"].user)
    assert receipts(propam.get("/laporan/?tampilan=antrian")) == {about.receipt}
    bawaslu = client_for(P["bawaslu"].user)
    assert receipts(bawaslu.get("/laporan/?tampilan=antrian")) == {about.receipt}
    gakkumdu = client_for(P["gakkumdu"].user)
    assert receipts(gakkumdu.get("/laporan/?tampilan=antrian")) == set()  # not routed there
    with audit.acting_as(SYSTEM):
        handling.assign(about, act(P["bawaslu"]), hworld.agencies["gakkumdu-malang"])
    assert receipts(propam.get("/laporan/?tampilan=antrian")) == set()  # handed on: out of the routed queue
    assert receipts(gakkumdu.get("/laporan/?tampilan=antrian")) == {about.receipt}


def test_a_command_post_filters_by_kecamatan_name_agency_tps_and_desa(hworld: World) -> None:
    at_tps = file_report(region=HOME_DESA, tps=f"{HOME_DESA}/001", description="Di TPS satu")
    in_desa = file_report(region=HOME_DESA, description="Di desa, bukan di TPS")
    elsewhere = file_report(region=OTHER_DESA, description="Di Kalipare")
    handling.verify(in_desa, act(hworld.people["bawaslu"]))
    handling.assign(in_desa, act(hworld.people["bawaslu"]), hworld.agencies["panwascam-donomulyo"])
    handling.verify(elsewhere, act(hworld.people["bawaslu"]))
    handling.refer(elsewhere, act(hworld.people["bawaslu"]), "pidana", hworld.agencies["gakkumdu-malang"])
    c = client_for(hworld.people["bawaslu"].user)
    page = main_of(c.get("/laporan/?tampilan=semua"))
    # kecamatan by name from a list, and the agencies reports went to
    assert '<select name="kecamatan">' in page and ">Kalipare</option>" in page and ">Donomulyo</option>" in page
    assert '<select name="instansi">' in page and ">Sentra Gakkumdu Kabupaten Malang</option>" in page
    assert receipts(c.get("/laporan/?tampilan=semua&kecamatan=35.07.02")) == {elsewhere.receipt}
    panwascam = hworld.agencies["panwascam-donomulyo"].pk
    gakkumdu = hworld.agencies["gakkumdu-malang"].pk
    assert receipts(c.get(f"/laporan/?tampilan=semua&instansi={panwascam}")) == {in_desa.receipt}
    assert receipts(c.get(f"/laporan/?tampilan=semua&instansi={gakkumdu}")) == {elsewhere.receipt}
    assert receipts(c.get(f"/laporan/?tampilan=semua&tempat={HOME_DESA}/1")) == {at_tps.receipt}
    assert receipts(c.get(f"/laporan/?tampilan=semua&tempat={HOME_DESA}")) == {at_tps.receipt, in_desa.receipt}
    assert receipts(c.get("/laporan/?tampilan=semua&tempat=bukan-kode")) == {
        at_tps.receipt, in_desa.receipt, elsewhere.receipt}


def test_a_report_left_new_past_verify_hours_shows_as_overdue_with_its_time(hworld: World, settings: Any) -> None:
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "VERIFY_HOURS": 24, "DUE_SOON_HOURS": 6}
    forgotten = file_report(description="Dibiarkan dua hari")
    nearly = file_report(description="Masuk 20 jam lalu")
    fresh = file_report(description="Baru masuk")
    Report.objects.filter(pk=forgotten.pk).update(received_at=timezone.now() - datetime.timedelta(days=2))
    Report.objects.filter(pk=nearly.pk).update(received_at=timezone.now() - datetime.timedelta(hours=20))
    c = client_for(hworld.people["bawaslu"].user)
    assert receipts(c.get("/laporan/?tampilan=terlambat")) == {forgotten.receipt}
    assert receipts(c.get("/laporan/?tampilan=segera")) == {nearly.receipt}
    late = main_of(c.get("/laporan/?tampilan=terlambat"))
    assert "verifikasi: terlambat 1 hari" in late
    soon = main_of(c.get("/laporan/?tampilan=segera"))
    assert "verifikasi: 3 jam lagi" in soon or "verifikasi: 4 jam lagi" in soon
    overdue_page = main_of(c.get("/laporan/terlambat/"))
    assert forgotten.receipt in overdue_page and fresh.receipt not in overdue_page
    detail = main_of(c.get(f"/laporan/r/{forgotten.receipt}/"))
    assert "Batas verifikasi" in detail and "terlambat 1 hari" in detail
    with audit.acting_as(SYSTEM):
        handling.verify(forgotten, act(hworld.people["bawaslu"]))
    assert receipts(c.get("/laporan/?tampilan=terlambat")) == set()  # verified: no deadline until referral
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "VERIFY_HOURS": 0}
    assert receipts(c.get("/laporan/?tampilan=segera")) == set()
