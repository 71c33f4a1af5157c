"""Where a `next` address may send the reader: only to a path on this site.

Browsers are forgiving with addresses: they drop tab, CR and LF anywhere, strip leading spaces
and control characters, read a backslash as a slash and `//host` as another site. So
`/\t/evil.example/` reaches the browser as `//evil.example/`. Instead of undoing each of these
tricks, a target is followed only when it is plainly a local path: it starts with a single `/`,
holds no backslash and no control, format or line-separator character, and parses with no
scheme and no host.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import url_for

MAX_TARGET_LENGTH = 2048


def is_local_path(target: object) -> bool:
    """Whether `target` is a path on this site that a browser cannot read as another site."""
    if not isinstance(target, str) or not 1 <= len(target) <= MAX_TARGET_LENGTH:
        return False
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return False
    if any(unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp") for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: object) -> str:
    """The address to go to after a form: `target` when it is a local path, else the home page."""
    return target if is_local_path(target) else url_for("web.home")
