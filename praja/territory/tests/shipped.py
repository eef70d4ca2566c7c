"""The boundary files shipped in the package (praja/territory/data/boundaries, gzip), unpacked once into a
folder that tests read like ../shared/data/wilayah: the boundary tests need nothing beside the repository."""

from __future__ import annotations

import atexit
import gzip
import shutil
import tempfile
from pathlib import Path

from praja.demo.district import boundary_files

_DIR: Path | None = None


def shipped_wilayah() -> Path:
    """A folder holding kab_malang_35.07_{kabupaten,kecamatan,desa}.geojson, unpacked from the package."""
    global _DIR
    if _DIR is None:
        d = Path(tempfile.mkdtemp(prefix="praja-wilayah-"))
        atexit.register(shutil.rmtree, d, True)
        for gz in boundary_files():
            (d / gz.name.removesuffix(".gz")).write_bytes(gzip.decompress(gz.read_bytes()))
        _DIR = d
    return _DIR
