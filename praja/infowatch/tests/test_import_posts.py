"""Importing social posts (JSON lines, CSV): whole or nothing, near-duplicates grouped, bad input flagged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from praja.base import audit
from praja.infowatch.importers import import_posts
from praja.infowatch.models import Item
from praja.infowatch.tests.appfixtures import *  # noqa: F401,F403
from praja.infowatch.tests.appfixtures import SYSTEM

pytestmark = pytest.mark.django_db


def _jsonl(*rows: Any) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows).encode()


def test_a_bad_row_rejects_the_file_naming_row_and_field(fake_core: None) -> None:
    data = _jsonl({"text": "ok", "time": "2024-11-20T10:00:00+07:00", "reach": 5},
                  {"text": "x", "reach": "banyak"}, "{broken", {"text": "y", "time": "kemarin"},
                  {"text": "z", "url": "javascript:alert(1)"})
    with audit.acting_as(SYSTEM):
        r = import_posts("posts.jsonl", data)
    where = {(p.row, p.field) for p in r.problems}
    assert where == {(2, "reach"), (3, ""), (4, "time"), (5, "url")}
    assert "posts.jsonl baris 2, kolom reach" in str(next(p for p in r.problems if p.row == 2))
    assert Item.objects.count() == 0


def test_near_duplicates_are_counted_on_one_item_with_their_reach(fake_core: None) -> None:
    data = (b"text,author,time,url,reach\n"
            b"Surat suara sudah dicoblos!,@a,2024-11-20 10:00,https://x.example/1,100\n"
            b"surat suara  sudah DICOBLOS!,@b,2024-11-20 11:00,https://x.example/2,50\n"
            b"Debat paslon malam ini,@c,,,\n")
    with audit.acting_as(SYSTEM):
        r = import_posts("posts.csv", data)
    assert (r.created, r.grouped) == (2, 1)
    first = Item.objects.get(author="@a")
    assert first.copies == 2 and first.reach == 150 and first.also_seen[0]["url"] == "https://x.example/2"


def test_hostile_and_odd_texts_are_kept_whole_and_flagged(fake_core: None, humas: Any) -> None:
    huge = "hoaks " * 200_000  # 1.2 MB
    rows = [{"text": "<script>alert('x')</script><b>Pilkada</b> curang"}, {"text": ""}, {"text": huge},
            {"text": "これは選挙についての偽のニュースです。信じないでください。本当に"},
            {"text": "The election in Malang was rigged according to a viral post from yesterday"}]
    data = _jsonl(*rows) + b'\n{"text": "rusak \xff\xfe kabar TPS"}'
    with audit.acting_as(SYSTEM):
        r = import_posts("odd.jsonl", data)
    assert r.ok and r.created == 6
    items = list(Item.objects.order_by("pk"))
    assert "markup" in items[0].flags and items[0].text.startswith("<script>")
    assert "empty" in items[1].flags
    assert "long" in items[2].flags and len(items[2].text) == len(huge)
    assert "language" in items[3].flags and "language" in items[4].flags
    assert "encoding" in items[5].flags and "\ufffd" in items[5].text
    page = humas.get("/info/?status=semua").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    for it in items:
        assert humas.get(f"/info/butir/{it.pk}/").status_code == 200


def test_the_import_page_shows_the_rejection(humas: Any, fake_core: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("p.csv", b"author,reach\n@a,1\n")
    body = humas.post("/info/impor/", {"file": f}).content.decode()
    assert "ditolak" in body and "text" in body and Item.objects.count() == 0
