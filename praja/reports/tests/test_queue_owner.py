"""Work reaches its owner: "Antrian saya" holds what is assigned, referred or routed to me or my agency, oldest
deadline first; new reports nobody has taken are an inbox for those who triage; a filter never empties a queue
silently; a handling form keeps what was typed after an error."""

from __future__ import annotations

import re

from praja.accounts.models import Agency
from praja.accounts.tests.fixtures import HOME_DESA, World, client_for, main_of
from praja.reports import handling
from praja.reports.models import Report
from praja.reports.tests.handle_world import *  # noqa: F401,F403
from praja.reports.tests.handle_world import act, file_report
from praja.reports.tests.test_board import receipts


def _referred_to_gakkumdu(w: World) -> Report:
    case = file_report(title="Serangan fajar di Tulungrejo", region=HOME_DESA)
    handling.verify(case, act(w.people["bawaslu"]))
    handling.refer(case, act(w.people["bawaslu"]), "pidana", w.agencies["gakkumdu-malang"])
    return case


def test_gakkumdus_queue_holds_the_case_referred_to_it_not_every_new_report(hworld: World) -> None:
    new = {file_report(title=f"Laporan baru {i}", region=HOME_DESA).receipt for i in range(6)}
    case = _referred_to_gakkumdu(hworld)
    gakkumdu = client_for(hworld.people["gakkumdu"].user)
    page = gakkumdu.get("/laporan/")
    assert receipts(page) == {case.receipt}  # the default tab is "Antrian saya"
    assert "tampilan=baru" not in page.content.decode()  # no triage inbox for a recipient of a legal path
    ops = client_for(hworld.people["polres_ops"].user, second_factor=False)
    assert receipts(ops.get("/laporan/?tampilan=baru")) == new  # the inbox of those who triage
    assert receipts(ops.get("/laporan/?tampilan=antrian")) == set()  # nothing is theirs until taken
    taken = Report.objects.get(receipt=sorted(new)[0])
    handling.take(taken, act(hworld.people["polres_ops"]))
    assert receipts(ops.get("/laporan/?tampilan=antrian")) == {taken.receipt}
    assert taken.receipt not in receipts(ops.get("/laporan/?tampilan=baru"))


def test_my_queue_comes_oldest_deadline_first(hworld: World) -> None:
    kapolsek = hworld.people["kapolsek"]
    older = file_report(title="Pertama masuk", region=HOME_DESA)
    newer = file_report(title="Kedua masuk", region=HOME_DESA)
    for r in (newer, older):  # taken newest first, so the order is not the order of taking
        handling.take(r, act(kapolsek))
    Report.objects.filter(pk=newer.pk).update(severity=4)  # a more severe report does not jump the deadline
    body = main_of(client_for(kapolsek.user, second_factor=False).get("/laporan/?tampilan=antrian"))
    assert body.index(older.receipt) < body.index(newer.receipt)


def test_a_filter_that_hides_reports_says_so_with_a_one_click_reset(hworld: World) -> None:
    case = _referred_to_gakkumdu(hworld)
    gakkumdu = client_for(hworld.people["gakkumdu"].user)
    page = gakkumdu.get("/laporan/?tampilan=antrian&kategori=sara")
    body = main_of(page)
    assert receipts(page) == set()
    assert "Saringan aktif" in body and "Kategori" in body
    assert "1 laporan di tampilan ini tersembunyi oleh saringan" in body
    reset = re.search(r'href="\?([^"]*)" id="filter-reset"', body)
    assert reset is not None
    assert case.receipt in main_of(gakkumdu.get("/laporan/?" + reset.group(1).replace("&amp;", "&")))


def test_the_refer_form_keeps_its_recipient_and_note_after_an_error(hworld: World) -> None:
    case = file_report(title="Kepala desa mengarahkan warga", region=HOME_DESA)
    bawaslu = hworld.people["bawaslu"]
    handling.verify(case, act(bawaslu))
    propam = Agency.objects.get(slug="propam-polda-jatim")  # not the recipient of the criminal path
    c = client_for(bawaslu.user)
    response = c.post(f"/laporan/r/{case.receipt}/aksi/refer/",
                      {"path": "pidana", "recipient": propam.pk, "note": "Saksi dua orang, ada foto amplop"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "bukan penerima jalur" in body
    assert re.search(rf'<option value="{propam.pk}" selected>', body)
    assert "Saksi dua orang, ada foto amplop</textarea>" in body
    case.refresh_from_db()
    assert case.referred_to_id is None  # nothing half written


def test_the_custodian_sees_the_request_read_only_with_approve_and_return(hworld: World) -> None:
    case = file_report(title="Laporan dengan identitas", region=HOME_DESA, anonymous=False,
                       reporter_name="Siti Aminah", phone="0812-3456-7890")
    requester = hworld.people["gakkumdu"]
    handling.verify(case, act(hworld.people["bawaslu"]))
    from praja.reports import identity

    identity.request_identity(case, act(requester), "Perlu keterangan saksi")
    body = main_of(client_for(hworld.people["bawaslu_custodian"].user).get("/laporan/identitas/"))
    assert "Perlu keterangan saksi" in body
    assert 'name="reason"' not in body  # the request is shown, not editable
    assert 'name="approve" value="1"' in body and 'name="approve" value="0"' in body


def test_the_home_page_lists_the_work_routed_to_the_person(hworld: World) -> None:
    file_report(title="Belum diambil siapa pun", region=HOME_DESA)
    case = _referred_to_gakkumdu(hworld)
    body = main_of(client_for(hworld.people["gakkumdu"].user).get("/"))
    work = body[body.index('id="my-work"'):]
    assert case.receipt in work and "1 laporan di antrian Anda" in work
    assert "tampilan=baru" not in work  # no inbox for Gakkumdu
    ops = main_of(client_for(hworld.people["polres_ops"].user, second_factor=False).get("/"))
    assert "1 laporan baru belum diambil siapa pun" in ops and 'href="/laporan/?tampilan=baru"' in ops
