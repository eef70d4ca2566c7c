from __future__ import annotations

import datetime
import hashlib
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World, main_of
from praja.base import audit
from praja.coordination import services
from praja.coordination.models import ActivityPhoto, ActivityReport, Line, LineMember, Operation
from praja.coordination.tests.conftest import SYSTEM


def _op() -> Operation:
    with audit.acting_as(SYSTEM):
        return services.load_demo_operation("35.07")


def test_the_demo_operation_has_its_period_and_five_lines(world: World) -> None:
    op = _op()
    _op()
    assert (op.start, op.end) == (datetime.date(2024, 8, 19), datetime.date(2024, 12, 31))
    assert set(op.lines.values_list("kind", flat=True)) == {k.value for k in Line.Kind}
    assert Operation.objects.count() == 1


def _jpeg(name: str, colour: str = "red") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_an_officer_files_a_daily_activity_report_with_several_photos(officer: Client, world: World) -> None:
    op = _op()
    line = op.lines.get(kind="preventive")
    photos = [_jpeg("patroli-1.jpg"), _jpeg("patroli-2.jpg", "blue")]
    r = officer.post(reverse("coordination:activity_new", args=[op.pk]), {
        "line": line.pk, "day": "2024-11-25", "region": HOME_DESA, "what": "Patroli dialogis masa tenang",
        "place": "Pasar Tulungrejo", "people": 6, "photos": photos,
    })
    assert r.status_code == 302
    rep = ActivityReport.objects.get()
    assert rep.people == 6 and rep.reported_by == world.people["officer"].user
    stored = list(rep.photos.all())
    assert len(stored) == 2
    for photo, sent in zip(stored, photos, strict=True):
        sent.seek(0)
        assert photo.sha256 == hashlib.sha256(sent.read()).hexdigest()
    page = main_of(officer.get(reverse("coordination:operation") + f"?operasi={op.pk}&tanggal=2024-11-25"))
    assert "Patroli dialogis masa tenang" in page
    assert "foto 1" in page and "foto 2" in page


def test_it_refuses_a_file_that_is_not_a_photo_and_stores_nothing(officer: Client, world: World) -> None:
    op = _op()
    fake = SimpleUploadedFile("laporan.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    r = officer.post(reverse("coordination:activity_new", args=[op.pk]), {
        "line": op.lines.get(kind="preventive").pk, "day": "2024-11-25", "region": HOME_DESA, "what": "Patroli",
        "place": "Pasar", "people": 2, "photos": [_jpeg("ok.jpg"), fake],
    })
    assert r.status_code == 200
    assert "laporan.jpg bukan foto" in r.content.decode()
    assert ActivityReport.objects.count() == 0 and ActivityPhoto.objects.count() == 0


def test_it_refuses_more_photos_than_the_setting_allows(officer: Client, world: World, settings: Any) -> None:
    settings.PRAJA_ACTIVITY_PHOTOS_MAX = 2
    op = _op()
    r = officer.post(reverse("coordination:activity_new", args=[op.pk]), {
        "line": op.lines.get(kind="preventive").pk, "day": "2024-11-25", "region": HOME_DESA, "what": "Patroli",
        "place": "Pasar", "people": 2, "photos": [_jpeg("a.jpg"), _jpeg("b.jpg"), _jpeg("c.jpg")],
    })
    assert r.status_code == 200
    assert "Terlalu banyak foto: 3 (maks. 2)" in r.content.decode()
    assert ActivityReport.objects.count() == 0


def test_a_coordinator_puts_people_in_a_lines_task_force(ops: Client, world: World) -> None:
    op = _op()
    line = op.lines.get(kind="preemptive")
    url = reverse("coordination:line_edit", args=[op.pk, line.pk])
    r = ops.post(url, {"action": "line", "line-task_force": "Satgas Preemtif (Sat Binmas)"})
    assert r.status_code == 302
    officer = world.people["officer"]
    r = ops.post(url, {"action": "add", "member-person": officer.pk, "member-position": "Bhabinkamtibmas"})
    assert r.status_code == 302
    again = ops.post(url, {"action": "add", "member-person": officer.pk, "member-position": "anggota"})
    assert "sudah ada di satuan tugas" in again.content.decode()
    assert LineMember.objects.filter(line=line).count() == 1
    page = main_of(ops.get(reverse("coordination:operation") + f"?operasi={op.pk}"))
    assert "Satgas Preemtif (Sat Binmas)" in page
    assert f"{officer.full_name} (Bhabinkamtibmas)" in page
    member = LineMember.objects.get()
    assert ops.post(url, {"action": "remove", "member": member.pk}).status_code == 302
    assert not LineMember.objects.exists()


def test_an_officer_cannot_change_a_task_force(officer: Client, world: World) -> None:
    op = _op()
    line = op.lines.get(kind="preemptive")
    url = reverse("coordination:line_edit", args=[op.pk, line.pk])
    r = officer.post(url, {"action": "add", "member-person": world.people["officer"].pk})
    assert r.status_code == 403
    assert not LineMember.objects.exists()


def test_a_coordinator_cannot_put_someone_outside_their_scope_in_a_task_force(world: World) -> None:
    from praja.accounts.tests.fixtures import client_for

    op = _op()
    line = op.lines.get(kind="preemptive")
    local_admin = client_for(world.people["polsek_admin"].user)  # admin of kecamatan 35.07.01 only
    url = reverse("coordination:line_edit", args=[op.pk, line.pk])
    r = local_admin.post(url, {"action": "add", "member-person": world.people["other_officer"].pk})
    assert r.status_code == 200 and "member-person" in r.content.decode()
    assert local_admin.post(url, {"action": "add", "member-person": world.people["officer"].pk}).status_code == 302
    assert list(LineMember.objects.values_list("person", flat=True)) == [world.people["officer"].pk]


def test_a_report_cannot_be_placed_outside_the_reporters_scope(officer: Client, world: World) -> None:
    op = _op()
    r = officer.post(reverse("coordination:activity_new", args=[op.pk]), {
        "line": op.lines.get(kind="support").pk, "day": "2024-11-25", "region": OTHER_DESA, "what": "x", "place": "y",
        "people": 2,
    })
    assert r.status_code == 200 and ActivityReport.objects.count() == 0


def test_reports_of_another_kecamatan_are_not_shown(other_officer: Client, world: World) -> None:
    op = _op()
    with audit.acting_as(SYSTEM):
        ActivityReport.objects.create(line=op.lines.get(kind="preemptive"), day=datetime.date(2024, 11, 25),
                                      region_id=HOME_DESA, what="Sambang tokoh agama Donomulyo", place="Masjid",
                                      people=3)
    page = main_of(other_officer.get(reverse("coordination:operation") + "?tanggal=2024-11-25"))
    assert "Operasi Mantap Praja Semeru 2024" in page
    assert "Sambang tokoh agama Donomulyo" not in page
