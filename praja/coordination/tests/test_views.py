from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from praja.accounts.tests.fixtures import HOME_KEC, OTHER_KEC, World, main_of
from praja.base.models import AuditEntry
from praja.coordination.models import Attendance, Commitment, Decision, Meeting


def small_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 20, 20)).save(out, format="JPEG")
    return out.getvalue()


def _commit(meeting: Meeting, world: World, owner: str, days: int = 5) -> Commitment:
    d = meeting.decisions.get(number=1)
    return Commitment.objects.create(
        decision=d, owner=world.agencies[owner], due_date=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_coordinator_holds_a_rakor_and_turns_a_decision_into_a_commitment(ops: Client, world: World) -> None:
    r = ops.post(reverse("coordination:meeting_new"), {
        "title": "Rakor Forkopimda", "held_at": "2024-11-20T09:00", "place": "Pendopo Kabupaten",
        "chair": "Kapolres Malang", "region": "35.07", "agenda": "Kesiapan pungut hitung", "minutes": "Dibuka.",
    })
    m = Meeting.objects.get(title="Rakor Forkopimda")
    assert r.status_code == 302 and r["Location"] == reverse("coordination:meeting", args=[m.pk])
    ops.post(reverse("coordination:attendance_add", args=[m.pk]), {
        "agency": world.agencies["polsek-donomulyo"].pk, "person_name": "AKP Budi", "position": "Kapolsek",
    })
    ops.post(reverse("coordination:decision_add", args=[m.pk]), {"text": "Patroli gabungan di Donomulyo"})
    d = Decision.objects.get(meeting=m)
    assert d.number == 1
    ops.post(reverse("coordination:commitment_add", args=[m.pk, d.pk]), {
        "owner": world.agencies["polsek-donomulyo"].pk, "due_date": "2024-11-25",
    })
    c = Commitment.objects.get(decision=d)
    assert c.owner.slug == "polsek-donomulyo" and c.status == "open"
    page = main_of(ops.get(reverse("coordination:meeting", args=[m.pk])))
    assert "AKP Budi" in page and "Patroli gabungan di Donomulyo" in page and "Polsek Donomulyo" in page
    entries = AuditEntry.objects.filter(target_type__startswith="coordination.")
    audited = set(entries.values_list("target_type", flat=True))
    assert audited == {"coordination.meeting", "coordination.attendance", "coordination.decision",
                       "coordination.commitment"}


def test_a_polsek_officer_cannot_hold_a_rakor(officer: Client) -> None:
    assert officer.get(reverse("coordination:meeting_new")).status_code == 403


def test_a_polsek_officer_sees_a_rakor_of_its_kecamatan(officer: Client, meeting: Meeting) -> None:
    assert "Rakor Pengamanan Kampanye" in main_of(officer.get(reverse("coordination:index")))
    assert officer.get(reverse("coordination:meeting", args=[meeting.pk])).status_code == 200


def test_a_polsek_officer_does_not_see_a_rakor_of_another_kecamatan(other_officer: Client, meeting: Meeting) -> None:
    assert other_officer.get(reverse("coordination:meeting", args=[meeting.pk])).status_code == 404
    assert "Rakor Pengamanan Kampanye" not in main_of(other_officer.get(reverse("coordination:index")))


def test_an_agency_that_attended_sees_the_rakor(other_officer: Client, meeting: Meeting, world: World) -> None:
    Attendance.objects.create(meeting=meeting, agency=world.agencies["polsek-kalipare"], person_name="Iptu Sari")
    assert other_officer.get(reverse("coordination:meeting", args=[meeting.pk])).status_code == 200


def test_the_owner_agency_closes_a_commitment_with_evidence(officer: Client, meeting: Meeting, world: World) -> None:
    c = _commit(meeting, world, "polsek-donomulyo")
    f = SimpleUploadedFile("foto.jpg", small_jpeg(), content_type="image/jpeg")  # a real photo: it is decoded
    r = officer.post(reverse("coordination:commitment_close", args=[c.pk]),
                     {"evidence": "Peta titik kampanye diserahkan", "evidence_file": f})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == "done" and c.evidence == "Peta titik kampanye diserahkan"
    assert c.closed_by == world.people["officer"].user and c.closed_at is not None and c.evidence_file
    assert AuditEntry.objects.filter(target_type="coordination.commitment", action="update").exists()


def test_closing_a_commitment_needs_evidence(officer: Client, meeting: Meeting, world: World) -> None:
    c = _commit(meeting, world, "polsek-donomulyo")
    r = officer.post(reverse("coordination:commitment_close", args=[c.pk]), {"evidence": "  "})
    assert r.status_code == 400
    c.refresh_from_db()
    assert c.status == "open" and c.closed_at is None


def test_another_agency_cannot_close_a_commitment(officer: Client, meeting: Meeting, world: World) -> None:
    c = _commit(meeting, world, "polres-malang")
    r = officer.post(reverse("coordination:commitment_close", args=[c.pk]), {"evidence": "sudah"})
    assert r.status_code == 403
    c.refresh_from_db()
    assert c.status == "open"


def test_a_commitment_outside_view_answers_404(other_officer: Client, meeting: Meeting, world: World) -> None:
    c = _commit(meeting, world, "polres-malang")
    assert other_officer.get(reverse("coordination:commitment_close", args=[c.pk])).status_code == 404


def test_the_owner_agency_sees_its_commitment_even_from_another_kecamatan(
    other_officer: Client, meeting: Meeting, world: World
) -> None:
    _commit(meeting, world, "polsek-kalipare")
    page = main_of(other_officer.get(reverse("coordination:board") + "?instansi=saya"))
    assert "Polsek memetakan titik kampanye" in page


def test_the_board_shows_overdue_and_due_soon(ops: Client, meeting: Meeting, world: World) -> None:
    _commit(meeting, world, "polsek-donomulyo", days=-2)
    d2 = Decision.objects.create(meeting=meeting, number=2, text="Koordinasi dengan KPU")
    Commitment.objects.create(decision=d2, owner=world.agencies["polres-malang"],
                              due_date=timezone.localdate() + datetime.timedelta(days=1))
    page = main_of(ops.get(reverse("coordination:board")))
    assert "co-state-overdue" in page and "co-state-due_soon" in page
    only_overdue = main_of(ops.get(reverse("coordination:board") + "?status=overdue"))
    assert "Polsek memetakan titik kampanye" in only_overdue and "Koordinasi dengan KPU" not in only_overdue


def test_my_agency_board_lists_only_my_agency(officer: Client, meeting: Meeting, world: World) -> None:
    _commit(meeting, world, "polres-malang")
    page = main_of(officer.get(reverse("coordination:board") + "?instansi=saya"))
    assert "Polsek memetakan titik kampanye" not in page
    assert "Polsek memetakan titik kampanye" in main_of(officer.get(reverse("coordination:board")))


def test_only_a_coordinator_records_decisions(officer: Client, meeting: Meeting) -> None:
    r = officer.post(reverse("coordination:decision_add", args=[meeting.pk]), {"text": "x"})
    assert r.status_code == 403
    assert meeting.decisions.count() == 1


def test_a_coordinator_cannot_edit_a_rakor_into_a_region_outside_scope(world: World, meeting: Meeting) -> None:
    from praja.accounts.tests.fixtures import client_for

    kapolsek_admin = client_for(world.people["polsek_admin"].user)  # admin scoped to 35.07.01
    r = kapolsek_admin.post(reverse("coordination:meeting_edit", args=[meeting.pk]), {
        "title": meeting.title, "held_at": "2024-11-20T09:00", "place": "x", "chair": "y", "region": OTHER_KEC,
    })
    assert r.status_code == 200
    meeting.refresh_from_db()
    assert meeting.region_id == HOME_KEC


def test_the_notulen_pdf_is_a4_with_minutes_and_attendance(ops: Client, meeting: Meeting, world: World) -> None:

    from praja.coordination.views import notulen_html
    from tests.pdfs import page_sizes

    Attendance.objects.create(meeting=meeting, agency=world.agencies["polsek-donomulyo"], person_name="AKP Budi")
    r = ops.get(reverse("coordination:meeting_pdf", args=[meeting.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    sizes = page_sizes(r.content)
    assert set(sizes) == {(595, 842)}  # A4 portrait, in points
    assert len(sizes) == 2  # the notulen, then the attendance list
    html = notulen_html(meeting)
    assert "AKP Budi" in html and "Rapat dibuka pukul 09.00." in html and "Polsek memetakan titik kampanye" in html


def test_the_notulen_pdf_of_another_kecamatan_answers_404(other_officer: Client, meeting: Meeting) -> None:
    assert other_officer.get(reverse("coordination:meeting_pdf", args=[meeting.pk])).status_code == 404


def test_an_owner_agency_outside_the_region_closes_its_commitment_from_its_board(
    other_officer: Client, meeting: Meeting, world: World
) -> None:
    c = _commit(meeting, world, "polsek-kalipare")
    r = other_officer.post(reverse("coordination:commitment_close", args=[c.pk]), {"evidence": "Laporan patroli"})
    assert r.status_code == 302 and r["Location"] == reverse("coordination:board") + "?instansi=saya"
    c.refresh_from_db()
    assert c.status == "done"


def test_a_later_rakor_follows_up_the_commitments_of_earlier_ones(
    ops: Client, meeting: Meeting, world: World
) -> None:
    """A rakor held after the first one lists the first one's commitments as they stood then:
    one still open and overdue, one closed since, and none of another kecamatan's."""
    from praja.base import audit
    from praja.coordination.tests.conftest import SYSTEM
    from praja.coordination.views import notulen_html

    now = timezone.now()
    with audit.acting_as(SYSTEM):
        late = _commit(meeting, world, "polsek-donomulyo", days=-1)
        d2 = Decision.objects.create(meeting=meeting, number=2, text="Koramil memasang spanduk damai")
        done = Commitment.objects.create(decision=d2, owner=world.agencies["polsek-donomulyo"],
                                         due_date=timezone.localdate(), status="done", evidence="Foto spanduk",
                                         closed_at=now - datetime.timedelta(hours=3))
        elsewhere = Meeting.objects.create(title="Rakor Kalipare", held_at=meeting.held_at, place="Balai",
                                           chair="Camat Kalipare", region_id=OTHER_KEC)
        d3 = Decision.objects.create(meeting=elsewhere, number=1, text="Patroli pasar Kalipare")
        Commitment.objects.create(decision=d3, owner=world.agencies["polsek-donomulyo"],
                                  due_date=timezone.localdate())
        later = Meeting.objects.create(title="Rakor lanjutan", held_at=now, place="Aula", chair="Camat Donomulyo",
                                       region_id=HOME_KEC)
    page = main_of(ops.get(reverse("coordination:meeting", args=[later.pk])))
    section = page[page.index('id="follow-ups"'):page.index("Keputusan dan komitmen")]
    assert late.decision.text in section and "lewat tenggat" in section
    assert "Koramil memasang spanduk damai" in section and "selesai sejak rakor sebelumnya" in section
    assert "Foto spanduk" in section
    assert "Patroli pasar Kalipare" not in section
    # The first rakor had nothing before it to follow up.
    first = main_of(ops.get(reverse("coordination:meeting", args=[meeting.pk])))
    assert "Tidak ada komitmen rakor sebelumnya" in first
    visible = Commitment.objects.all()
    from praja.coordination import services

    html = notulen_html(later, [{**r, "label": r["state"]} for r in services.follow_ups(later, visible)])
    assert "Tindak lanjut komitmen rakor sebelumnya" in html and late.decision.text in html
    assert done.decision.text in html


def test_a_religious_leader_from_the_registry_attends_a_rakor(ops: Client, meeting: Meeting, world: World) -> None:
    from praja.coordination.models import Stakeholder
    from praja.coordination.views import notulen_html

    kiai = Stakeholder.objects.create(name="KH Ahmad Fauzi", kind="agama", position="Pengasuh pondok",
                                      organisation="PCNU Kabupaten Malang", region_id=HOME_KEC,
                                      phone="081234567001")
    url = reverse("coordination:attendance_add", args=[meeting.pk])
    assert ops.post(url, {"stakeholder": kiai.pk}).status_code == 302
    a = Attendance.objects.get(meeting=meeting)
    assert (a.person_name, a.position, a.agency_id, a.stakeholder_id) == (
        "KH Ahmad Fauzi", "Pengasuh pondok", None, kiai.pk)
    page = main_of(ops.get(reverse("coordination:meeting", args=[meeting.pk])))
    rows = page[page.index('id="attendance"'):]
    assert "KH Ahmad Fauzi" in rows and "PCNU Kabupaten Malang" in rows
    assert "081234567001" not in page  # the registry's contact stays on the stakeholder's own page
    assert "PCNU Kabupaten Malang" in notulen_html(meeting)


def test_an_attendee_needs_an_agency_or_a_stakeholder(ops: Client, meeting: Meeting) -> None:
    r = ops.post(reverse("coordination:attendance_add", args=[meeting.pk]), {"person_name": "Tanpa instansi"},
                 follow=True)
    assert "Pilih instansi atau pemangku kepentingan yang hadir." in r.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exists()
