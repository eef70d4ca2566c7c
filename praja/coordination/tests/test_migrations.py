"""Migration 0003 turns the one photo a daily activity report could carry into its first ActivityPhoto."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("coordination", "0002_stakeholder")]
AFTER = [("coordination", "0003_line_members_activity_photos")]


def test_an_existing_photo_becomes_the_reports_first_photo_with_its_hash() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    region = old.get_model("territory", "Region").objects.create(code="35.07", name="Malang", level=2)
    op = old.get_model("coordination", "Operation").objects.create(
        name="Operasi uji", region=region, start=datetime.date(2024, 8, 19), end=datetime.date(2024, 12, 31))
    line = old.get_model("coordination", "Line").objects.create(operation=op, kind="preventive")
    report = old.get_model("coordination", "ActivityReport")(
        line=line, day=datetime.date(2024, 11, 25), region=region, what="Patroli", place="Pasar", people=3)
    report.photo.save("patroli.jpg", ContentFile(b"\xff\xd8\xffphoto bytes"), save=False)
    report.save()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    photos = list(new.get_model("coordination", "ActivityPhoto").objects.filter(report_id=report.pk))
    assert len(photos) == 1
    assert photos[0].file.name == report.photo.name
    assert photos[0].sha256 == hashlib.sha256(b"\xff\xd8\xffphoto bytes").hexdigest()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
