"""Reading pages and the Chinese catalog, for the tests that look for English left in a Chinese page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOG = ROOT / "tracker" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def translations() -> dict[str, str]:
    """The Chinese catalog: English msgid -> translation (empty while fuzzy or missing)."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    table = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        value = message.string if isinstance(message.string, str) else message.string[0]
        table[key] = "" if message.fuzzy else value
    return table


# Words that are right in a Chinese page: the other language's own name in the language switch,
# the time zones of the IANA database, brand and format names.
ALLOWED_WORDS = {"English", "Asia", "Shanghai", "America", "York", "Europe", "Berlin", "IANA", "YYYY", "CSAT",
                 "JSON"}
# Audit actions such as "commitment.publish" are codes, shown as such.
CODE = re.compile(r"[a-z_]+(\.[a-z_]+)+")
ACCESSIBLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")
WORD = re.compile(r"[A-Za-z]{4,}")


class VisibleText(HTMLParser):
    """The text a reader sees or hears on a page, one string per text node or attribute."""

    HIDDEN = {"script", "style", "code", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        values = dict(attrs)
        for name in ACCESSIBLE_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def english_messages() -> list[str]:
    """Catalog messages of two words or more whose Chinese differs from the English."""
    return sorted(
        (msgid for msgid, text in translations().items() if len(msgid.split()) >= 2 and text and text != msgid),
        key=len, reverse=True,
    )


def english_leftovers(parts: list[str], messages: list[str]) -> list[str]:
    found = []
    for part in parts:
        if CODE.fullmatch(part):
            continue
        text = EMAIL.sub(" ", part)
        for message in messages:
            fixed = re.sub(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f", "", message).strip()
            if len(fixed.split()) >= 2 and fixed in text:
                found.append(f"message {message!r} in {part!r}")
        words = [w for w in WORD.findall(text) if w not in ALLOWED_WORDS]
        if words:
            found.append(f"words {words} in {part!r}")
    return found
