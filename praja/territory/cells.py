"""Cell values of an import file: as the user typed them, blank or not, and parsed (desa codes, numbers).

Pure functions, no database: a spreadsheet's 512.0 is 512, '-8,12' (decimal comma) is -8.12.
"""

from __future__ import annotations

import math
import re


def display_value(value: object) -> str:
    """A cell value as the user typed it (512.0 from a spreadsheet shows as 512)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if len(text) <= 100 else text[:97] + "..."


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(cell: object) -> str:
    text = display_value(cell).lower()
    return re.sub(r"_+", "_", re.sub(r"[\s.\-/]+", "_", text)).strip("_")


_DESA_DOTTED = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_DESA_PLAIN = re.compile(r"^\d{10}$")
_INT_TEXT = re.compile(r"^[+-]?\d+(\.0+)?$")


def normalise_desa_code(value: object) -> str | None:
    """'35.07.01.2001' or '3507012001' (also a number from a spreadsheet) -> '35.07.01.2001'."""
    text = re.sub(r"\s+", "", display_value(value))
    if _DESA_DOTTED.match(text):
        return text
    if _DESA_PLAIN.match(text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return None


def parse_int(value: object) -> int | None:
    """An integer from a cell: 512, 512.0 and '512' are 512; 512.5, '1.500' and 'abc' are None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    text = display_value(value)
    if not _INT_TEXT.match(text):
        return None
    return int(text.split(".")[0])


def parse_float(value: object) -> float | None:
    """A finite number from a cell; '-8,12' (decimal comma) is accepted as -8.12."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = display_value(value).replace(" ", "")
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None
