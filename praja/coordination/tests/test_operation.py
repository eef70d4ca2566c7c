from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from praja.accounts import audit
from praja.accounts.tests.fixtures import HOME_DESA, OTHER_DESA, World, main_of
from praja.coordination import services
from praja.coordination.models import ActivityReport, Line, Operation
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


def test_an_officer_files_a_daily_activity_report(officer: Client, world: World) -> None:
    op = _op()
    line = op.lines.get(kind="preventive")
    photo = SimpleUploadedFile("patroli.jpg", b"\xff\xd8\xffdata", content_type="image/jpeg")
    r = officer.post(reverse("coordination:activity_new", args=[op.pk]), {
        "line": line.pk, "day": "2024-11-25", "region": HOME_DESA, "what": "Patroli dialogis masa tenang",
        "place": "Pasar Tulungrejo", "people": 6, "photo": photo,
    })
    assert r.status_code == 302
    rep = ActivityReport.objects.get()
    assert rep.people == 6 and rep.reported_by == world.people["officer"].user and rep.photo
    page = main_of(officer.get(reverse("coordination:operation") + f"?operasi={op.pk}&tanggal=2024-11-25"))
    assert "Patroli dialogis masa tenang" in page


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
