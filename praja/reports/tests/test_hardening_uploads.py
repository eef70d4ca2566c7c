"""Issue 14 (hardening), uploads: an image is refused by the size its header declares before a pixel is decoded,
and a request body over the cap is refused 413 before it is read. The probe's reproductions, as tests."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from praja.accounts.tests.fixtures import HOME_DESA, HOME_KEC, world  # noqa: F401
from praja.reports.models import Attachment, Report


def png_declaring(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height pixels, all black: a few KB on disk, width*height pixels decoded (the
    probe's decompression bomb: 14.5 KB declaring 10,900 x 10,900)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def post(client: Client, *files: SimpleUploadedFile, key: str = "") -> Any:
    key = key or form_key(client)
    return client.post("/lapor/", {"client_key": key, "category": "politik_uang", "description": "amplop",
                                   "kabupaten": "35.07", "kecamatan": HOME_KEC, "desa": HOME_DESA,
                                   "identity": "anonim", "lampiran": list(files)})


def form_key(client: Client) -> str:
    page = client.get("/lapor/").content.decode()
    return re.search(r'name="client_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_a_png_declaring_10900_by_10900_pixels_is_refused_before_decoding_within_2_seconds(
        world: Any, media: Any) -> None:  # noqa: F811
    bomb = png_declaring(10_900, 10_900)
    assert len(bomb) < 20_000  # the probe's file: about 15 KB
    client = Client()
    key = form_key(client)  # the sender opened the form before (not timed)
    started = time.perf_counter()
    response = post(client, SimpleUploadedFile("bom.png", bomb, content_type="image/png"), key=key)
    seconds = time.perf_counter() - started
    page = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert "bom.png terlalu besar ukurannya: 10.900 x 10.900 piksel (batas 50 megapiksel)" in page
    assert seconds < 2.0, f"refused in {seconds:.2f} s"


def test_the_pixel_cap_is_a_setting_and_a_photo_under_it_still_passes(world: Any, media: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_REPORTS = {**settings.PRAJA_REPORTS, "IMAGE_MAX_PIXELS": 1_000_000}
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 40)).save(out, format="JPEG")
    assert post(Client(), SimpleUploadedFile("kecil.jpg", out.getvalue(), content_type="image/jpeg")).status_code == 302
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (10, 120, 40)).save(out, format="JPEG")
    page = post(Client(), SimpleUploadedFile("besar.jpg", out.getvalue(), content_type="image/jpeg")).content.decode()
    assert "besar.jpg terlalu besar ukurannya: 1.200 x 900 piksel (batas 1 megapiksel)" in page
    assert Report.objects.count() == 1


class CountingBody(io.RawIOBase):
    """A request body of `size` bytes that counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.read_bytes if n is None or n < 0 else min(n, self.size - self.read_bytes)
        self.read_bytes += n
        return b"x" * n

    def readline(self, size: int | None = -1) -> bytes:
        return self.read(min(size or 65536, 65536) if size and size > 0 else 65536)


def test_a_55_mb_body_is_refused_413_before_it_is_read(world: Any) -> None:  # noqa: F811
    body = CountingBody(55 * 1024 * 1024)
    started = time.perf_counter()
    response = Client().generic(
        "POST", "/lapor/", CONTENT_LENGTH=str(body.size), CONTENT_TYPE="multipart/form-data; boundary=batas",
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0  # not one byte of the body was read
    assert "Kiriman terlalu besar (55 MB; batas seluruh kiriman 52 MB)" in response.content.decode()
    assert time.perf_counter() - started < 1.0


def test_the_request_cap_is_a_setting(world: Any, settings: Any) -> None:  # noqa: F811
    settings.PRAJA_MAX_REQUEST_BYTES = 1024
    body = CountingBody(4096)
    response = Client().generic("POST", "/api/v1/reports", CONTENT_LENGTH="4096", CONTENT_TYPE="application/json",
                                **{"wsgi.input": body})
    assert response.status_code == 413 and body.read_bytes == 0
    assert Client().post("/api/v1/reports", {"x": "1"}).status_code != 413  # a small body passes
