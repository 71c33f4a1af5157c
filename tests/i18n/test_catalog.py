"""The Simplified Chinese catalog is complete: every interface string has a translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir

from tests.i18n.reading import ROOT, translations

METHODS = [("tracker/**.py", "python"), ("tracker/templates/**.html", "jinja2"), ("tracker/templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_a_chinese_translation():
    table = translations()
    missing = sorted(m for m in _source_messages() if not table.get(m))
    assert missing == [], f"{len(missing)} strings lack a Chinese translation: {missing[:20]}"


def test_translations_keep_their_placeholders():
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    wrong = {
        msgid: text
        for msgid, text in translations().items()
        if text and sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(text))
    }
    assert wrong == {}
