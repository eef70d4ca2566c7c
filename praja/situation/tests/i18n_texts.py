"""Finding Praja's interface texts in its templates and modules, and reading the English catalogue.

Shared by the shell's translation test (test_i18n.py) and the whole-app one (tests/test_translations.py).
A text is what `makemessages` would extract: `{% translate %}`, `{% blocktranslate %}` (singular, plural,
context) and `_()` in templates; calls of gettext, gettext_lazy, gettext_noop, ngettext, pgettext, ... in
Python under whatever name the module imported them (`_`, `_lazy`, ...).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation.template import templatize

PRAJA = Path(__file__).resolve().parents[2]
PO_FILE = PRAJA / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Texts that read the same in English, each with the reason; reviewed, not a dumping ground.
SAME_IN_ENGLISH: dict[str, str] = {
    # English words spelt the same in both languages.
    "Agenda": "English word", "agenda": "English word", "Audit": "English word", "Info": "English word",
    "Label": "English word", "Media": "English word", "Status": "English word", "status": "English word",
    "Volume": "English word", "preset": "English word", "Folder": "English word",
    "No.": "abbreviation of number in both languages", "km": "unit",
    "A": "class letter of a security pattern", "B": "class letter of a security pattern",
    "label %(l)s %(s)s": "infowatch label and score, 'label' is English",
    # File formats and digests.
    "PDF": "file format", "XLSX": "file format", "SHA-256 PDF": "digest name", "SHA-256 XLSX": "digest name",
    "API": "channel name", "SMS": "channel name", "WhatsApp": "channel name",
    # Indonesian institutions and units: proper names, kept in English as in official English documents.
    "Polri": "Indonesian National Police, proper name", "TNI": "Indonesian armed forces, proper name",
    "Polres": "police resort, proper name", "Polsek": "police sector, proper name",
    "Kodim": "military district command, proper name", "Koramil": "military sub-district command, proper name",
    "KPU": "election commission, proper name", "Bawaslu": "election supervisory body, proper name",
    "DKPP": "election ethics council, proper name", "KASN/BKN": "civil service bodies, proper names",
    "POM TNI": "military police, proper name", "Linmas": "civil protection corps, proper name",
    # Indonesian administrative units: kept with their Indonesian names, as the rest of the English interface does.
    "Kec.": "abbreviation of kecamatan, an administrative unit", "Kec. %(n)s": "kecamatan abbreviation and name",
    "kecamatan": "administrative unit name", "Kecamatan: %(kec)s": "administrative unit name",
    "{kecamatan} kecamatan": "administrative unit name",
    "%(n)s TPS": "TPS (polling station) is the term the English interface uses",
}


@dataclass(frozen=True)
class Text:
    """One interface text: its msgid, plural msgid and context where it has them, and where it was found."""

    msgid: str
    plural: str | None = None
    context: str | None = None
    where: str = ""

    def english(self, n: int = 1) -> str:
        """The English text (for plurals, the form for n)."""
        with translation.override("en"):
            if self.plural is not None and self.context is not None:
                return translation.npgettext(self.context, self.msgid, self.plural, n)
            if self.plural is not None:
                return translation.ngettext(self.msgid, self.plural, n)
            if self.context is not None:
                return translation.pgettext(self.context, self.msgid)
            return translation.gettext(self.msgid)

    def is_translated(self) -> bool:
        """Whether the English catalogue has this text (for plurals, as a plural entry)."""
        if self.plural is not None:
            return self.english(1) != self.msgid or self.english(2) != self.plural
        return self.english() != self.msgid


_STR = r"""u?(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")"""
_TEMPLATE_CALLS = [
    (re.compile(rf"\bnpgettext\(\s*({_STR})\s*,\s*({_STR})\s*,\s*({_STR})\s*,"), ("context", "msgid", "plural")),
    (re.compile(rf"\bngettext\(\s*({_STR})\s*,\s*({_STR})\s*,"), ("msgid", "plural")),
    (re.compile(rf"\bpgettext\(\s*({_STR})\s*,\s*({_STR})\s*\)"), ("context", "msgid")),
    (re.compile(rf"(?<![\w.])(?:gettext|_)\(\s*({_STR})\s*\)"), ("msgid",)),
]


def _shown(path: Path) -> str:
    """The path as a message shows it: relative to the checkout."""
    try:
        return str(path.resolve().relative_to(PRAJA.parent))
    except ValueError:
        return str(path)


def _literal(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def template_texts(path: Path) -> list[Text]:
    """The interface texts of one template, as makemessages would extract them."""
    code = templatize(path.read_text("utf-8"), origin=str(path))
    found = []
    for pattern, fields in _TEMPLATE_CALLS:
        for m in pattern.finditer(code):
            values = dict(zip(fields, (_literal(g) for g in m.groups()), strict=True))
            found.append((m.start(), Text(where=_shown(path), **values)))
    return [t for _, t in sorted(found, key=lambda f: f[0])]


# The argument order of each gettext function.
_PYTHON_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "gettext": ("msgid",), "gettext_lazy": ("msgid",), "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"), "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"), "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"), "npgettext_lazy": ("context", "msgid", "plural"),
}


def python_texts(path: Path) -> list[Text]:
    """The interface texts of one module: calls of the gettext functions under the names it imported them by."""
    tree = ast.parse(path.read_text("utf-8"))
    names = {"_": "gettext"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in _PYTHON_FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        function = names.get(called) or (called if isinstance(f, ast.Attribute) and called in _PYTHON_FUNCTIONS
                                         else None)
        if function is None:
            continue
        fields = _PYTHON_FUNCTIONS[function]
        args = node.args[: len(fields)]
        if len(args) == len(fields) and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            values = {k: a.value for k, a in zip(fields, args, strict=True)}  # type: ignore[attr-defined]
            out.append(Text(where=f"{_shown(path)}:{node.lineno}", **values))
    return out


def interface_templates() -> list[Path]:
    return sorted(PRAJA.rglob("*.html"))


def interface_modules() -> list[Path]:
    """Every Python module of the app except tests and migrations (whose texts are frozen copies)."""
    return sorted(p for p in PRAJA.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts)


def all_texts() -> list[Text]:
    out: list[Text] = []
    for t in interface_templates():
        out += template_texts(t)
    for p in interface_modules():
        out += python_texts(p)
    return out


def template_msgids(path: Path) -> list[str]:
    return [t.msgid for t in template_texts(path)]


def python_msgids(path: Path) -> list[str]:
    return [t.msgid for t in python_texts(path)]


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@dataclass
class Entry:
    """One entry of a .po file."""

    line: int
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    msgstr: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()


def _po_string(line: str) -> str:
    return _literal(line[line.index('"'):])


def read_po(path: Path = PO_FILE) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included), obsolete `#~` entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    field: str | None = None
    flags: set[str] = set()
    strs: dict[str, str] = {}

    def close() -> None:
        nonlocal current, strs
        if current is not None:
            current.msgid = strs.get("msgid", "")
            current.plural = strs.get("msgid_plural")
            current.context = strs.get("msgctxt")
            current.msgstr = tuple(v for k, v in sorted(strs.items()) if k.startswith("msgstr"))
            entries.append(current)
        current, strs = None, {}

    for n, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                close()
                field = None
            continue
        if line.startswith("#,"):
            if current is not None and "msgstr" in (field or ""):
                close()
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert field is not None, f"{path}:{n}: a continued string outside an entry"
            strs[field] += _po_string(line)
            continue
        keyword = line.split(None, 1)[0]
        if keyword in ("msgctxt", "msgid") and (current is None or "msgstr" in (field or "")):
            close()
        if current is None:
            current = Entry(line=n, flags=frozenset(flags))
            flags = set()
        field = keyword
        strs[field] = _po_string(line)
    close()
    return entries
