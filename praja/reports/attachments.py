"""Attachments of a report (photo, video, document): size and type limits, a hash, and a public copy
without location metadata.

The type is read from the file's first bytes, never from the name or the browser's claim, so a script
renamed ``foto.jpg`` is refused. Limits come from ``PRAJA_REPORTS`` (``ATTACHMENT_MAX_BYTES``,
``ATTACHMENT_TYPES``, ``ATTACHMENTS_PER_REPORT``). The original is kept for the case handlers with its
SHA-256; images get a public copy re-encoded by Pillow without EXIF (GPS, camera, time) and other
metadata. Videos and documents get no public copy: their metadata cannot be stripped reliably here,
so they are shown only inside the case.

An image is refused by the width and height its header declares, before any pixel is decoded
(``IMAGE_MAX_PIXELS``, default 50 megapixels; issue 14): a 15 KB PNG declaring 10,900 x 10,900 pixels
(a decompression bomb) is answered with a message in milliseconds instead of 1.25 GB and half a minute.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from praja.reports.models import Attachment, Report, TimelineEntry

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "application/pdf": "pdf",
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
DEFAULT_IMAGE_MAX_PIXELS = 50_000_000  # a 48 MP phone camera (8000 x 6000) passes; 10,900 x 10,900 does not


def limits() -> tuple[int, list[str], int]:
    conf = getattr(settings, "PRAJA_REPORTS", {})
    return (
        int(conf.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)),
        list(conf.get("ATTACHMENT_TYPES", list(EXTENSIONS))),
        int(conf.get("ATTACHMENTS_PER_REPORT", 5)),
    )


def sniff(head: bytes) -> str:
    """The content type from the file's first bytes ('' when not one Praja knows)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:11]
        return "video/3gpp" if brand in (b"3gp", b"3g2") else "video/mp4"
    return ""


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, n // 1024)} KB"


@dataclass
class Checked:
    name: str
    content_type: str
    data: bytes


class AttachmentError(ValueError):
    pass


def check(uploaded: Any) -> Checked:
    """Read one uploaded file and check it; raise AttachmentError with a message for the sender."""
    max_bytes, types, _n = limits()
    name = PurePath(str(getattr(uploaded, "name", "") or "lampiran")).name[:200]
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise AttachmentError(
            _("%(name)s terlalu besar (%(size)s; batas %(max)s).")
            % {"name": name, "size": human_size(size), "max": human_size(max_bytes)}
        )
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise AttachmentError(
            _("%(name)s terlalu besar (lebih dari %(max)s).") % {"name": name, "max": human_size(max_bytes)}
        )
    if not data:
        raise AttachmentError(_("%(name)s kosong.") % {"name": name})
    kind = sniff(data[:16])
    if not kind or kind not in types:
        allowed = ", ".join(sorted({EXTENSIONS.get(t, t).upper() for t in types}))
        raise AttachmentError(
            _("%(name)s bukan jenis berkas yang diterima (yang diterima: %(allowed)s).")
            % {"name": name, "allowed": allowed}
        )
    if kind in IMAGE_FORMATS:
        check_dimensions(data, kind, name)
        try:
            open_image(data).load()
        except Exception as exc:  # noqa: BLE001 - any decoder error means "not a readable image"
            raise AttachmentError(_("%(name)s rusak atau bukan gambar.") % {"name": name}) from exc
    return Checked(name, kind, data)


def image_max_pixels() -> int:
    return int(getattr(settings, "PRAJA_REPORTS", {}).get("IMAGE_MAX_PIXELS", DEFAULT_IMAGE_MAX_PIXELS))


def declared_size(data: bytes, content_type: str) -> tuple[int, int]:
    """(width, height) as the image's header declares them, read without decoding a pixel and without
    Pillow's bomb check (which only warns up to twice its limit): the format's own header parser."""
    from PIL import JpegImagePlugin, PngImagePlugin, WebPImagePlugin

    parsers: dict[str, Any] = {
        "image/jpeg": JpegImagePlugin.JpegImageFile,
        "image/png": PngImagePlugin.PngImageFile,
        "image/webp": WebPImagePlugin.WebPImageFile,
    }
    image = parsers[content_type](io.BytesIO(data))
    try:
        width, height = image.size
    finally:
        image.close()
    return int(width), int(height)


def check_dimensions(data: bytes, content_type: str, name: str) -> None:
    """Raise AttachmentError when the image declares more pixels than ``IMAGE_MAX_PIXELS`` (before decoding)."""
    try:
        width, height = declared_size(data, content_type)
    except Exception as exc:  # noqa: BLE001 - a header that cannot be read is not an image
        raise AttachmentError(_("%(name)s rusak atau bukan gambar.") % {"name": name}) from exc
    cap = image_max_pixels()
    if width * height > cap:
        from django.utils.formats import number_format

        def angka(n: int) -> str:  # 10.900 in Indonesian, 10,900 in English
            return number_format(n, decimal_pos=0, force_grouping=True)

        raise AttachmentError(
            _("%(name)s terlalu besar ukurannya: %(w)s x %(h)s piksel (batas %(mp)s megapiksel). "
              "Kirim foto dengan ukuran biasa dari kamera ponsel.")
            % {"name": name, "w": angka(width), "h": angka(height), "mp": angka(cap // 1_000_000)}
        )


def open_image(data: bytes) -> Any:
    """The image in `data`, opened with the decompression-bomb bound as an error, never a warning (call .load()
    to decode it whole; check_dimensions refuses an oversized image before this is called)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = image_max_pixels()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def stripped_copy(data: bytes, content_type: str) -> bytes:
    """The image re-encoded without metadata (EXIF with GPS, XMP, comments), turned upright first."""
    from PIL import Image, ImageOps

    image = open_image(data)
    image = ImageOps.exif_transpose(image) or image
    fmt = IMAGE_FORMATS[content_type]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    # A fresh image holds pixels only: nothing of image.info (exif, xmp, icc, text chunks) is carried over.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, **options)
    return out.getvalue()


def store(
    report: Report, checked: Checked, *, actor: Any = None, actor_label: str = "", channel: str = "",
    from_sender: bool = True,
) -> Attachment:
    """Save the original and (for images) the stripped public copy; note it in the timeline. An attachment
    a handler or officer adds later (``from_sender=False``) is not shown to the sender."""
    digest = hashlib.sha256(checked.data).hexdigest()
    ext = EXTENSIONS.get(checked.content_type, "bin")
    att = Attachment(
        report=report, original_name=checked.name, content_type=checked.content_type,
        size=len(checked.data), sha256=digest, from_sender=from_sender,
    )
    att.file.save(f"{report.receipt}-{digest[:12]}.{ext}", ContentFile(checked.data), save=False)
    if checked.content_type in IMAGE_FORMATS:
        att.public_file.save(
            f"{report.receipt}-{digest[:12]}-publik.{ext}",
            ContentFile(stripped_copy(checked.data, checked.content_type)), save=False,
        )
    att.save()
    TimelineEntry.objects.create(
        report=report, kind=TimelineEntry.Kind.ATTACHMENT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label or _("pelapor"), channel=channel,
        text=checked.name, data={"sha256": digest, "size": len(checked.data), "type": checked.content_type},
        visible_to_sender=from_sender,
    )
    return att
