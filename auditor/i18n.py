"""The language of reports: gettext catalogues (``auditor/locale/<lang>/LC_MESSAGES/auditor.po``).

Labels and headings are written in English in the code and templates (the msgids) and translated
by the catalogue of the report's language; Chinese (``zh``) is the default, ``en`` shows the
msgids. The catalogues are ordinary gettext ``.po`` files, kept with Babel's tools
(``pybabel extract -F babel.cfg -o auditor/locale/auditor.pot .`` then ``pybabel update``), and
read here by a small pure-Python reader, so nothing needs compiling at build or install time.
A msgid without a translation falls back to itself.
"""

from __future__ import annotations

import ast
import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "auditor"
LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"


def _unquote(text: str) -> str:
    """The value of one quoted PO string (C escapes as in Python)."""
    return ast.literal_eval(text)


def read_po(path: str | Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (msgctxt joined as ``ctxt\\x04msgid``; fuzzy and empty entries left out)."""
    catalog: dict[str, str] = {}
    entry: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        msgid = entry.get("msgid")
        msgstr = entry.get("msgstr") or entry.get("msgstr[0]")
        if msgid and msgstr and not fuzzy:
            ctxt = entry.get("msgctxt")
            catalog[f"{ctxt}\x04{msgid}" if ctxt is not None else msgid] = msgstr
        entry, fuzzy = {}, False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            continue
        if line.startswith('"'):
            if key is not None:
                entry[key] = entry.get(key, "") + _unquote(line)
            continue
        word, _, rest = line.partition(" ")
        if word == "msgid" and "msgid" in entry:
            flush()
        key = word
        entry[key] = _unquote(rest.strip())
    flush()
    return catalog


class Catalogue(gettext.NullTranslations):
    """gettext translations from a parsed .po catalogue (what Jinja2's i18n extension installs)."""

    def __init__(self, messages: dict[str, str], lang: str) -> None:
        super().__init__()
        self.messages = messages
        self.lang = lang

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return self.messages.get(f"{context}\x04{message}", message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.pgettext(context, singular if n == 1 else plural)


def normalise_lang(lang: str | None) -> str:
    """``zh``, ``zh_CN``, ``zh-Hans`` -> ``zh``; ``en*`` -> ``en``; anything else the default."""
    code = (lang or DEFAULT_LANG).lower().replace("-", "_").split("_")[0]
    return code if code in LANGUAGES else DEFAULT_LANG


@cache
def catalogue(lang: str | None = None) -> Catalogue:
    """The translations of a language (the English catalogue is the msgids themselves)."""
    code = normalise_lang(lang)
    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    return Catalogue(read_po(po) if po.is_file() else {}, code)


def gettext_for(lang: str | None):
    """A ``_(message, **values)`` function: the translation, with ``%(name)s`` placeholders filled
    from ``values`` when given (the convention of Jinja2's i18n extension, so that templates and
    code share one catalogue)."""
    cat = catalogue(lang)

    def _(message: str, **values) -> str:
        text = cat.gettext(message)
        return text % values if values else text

    return _
