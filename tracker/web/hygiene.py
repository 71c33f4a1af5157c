"""Input hygiene at the edge: every request's path, query, form and JSON body is checked once,
before any view, schema or database sees it.

Refused, with the one error shape of `tracker/errors.py` (a page in the reader's language for
HTML routes):

- NUL characters and lone surrogates anywhere in text: PostgreSQL text cannot hold NUL, and a
  lone surrogate is not Unicode text at all (no encoder can write it to a database or a page).
  In a path value that is a 404 (no object can have such a name), in a query or form value a
  422 naming the parameter.
- JSON nested deeper than MAX_JSON_DEPTH (a 100,000-deep body would exhaust the parser's
  recursion), integers written with more than MAX_NUMBER_DIGITS digits (Python refuses to read
  integers past 4,300 digits and slows down well before; no field of the tracker needs more
  than 19), and numbers that are not finite (NaN, Infinity, 1e400): 400 for the depth, 422
  naming the field for the rest.

Query and form values cannot carry lone surrogates over the wire (Werkzeug decodes percent
escapes as UTF-8 and replaces what is not), so in practice they come only from JSON `\\ud800`
escapes; the check covers every source anyway, since it costs one regular expression.
CSV bodies and uploads are read by the import itself (`tracker/handoffs/imports.py`): its
decoder refuses bytes that are not UTF-8 (so no lone surrogate gets in) and its row schema
refuses NUL cell by cell. A view that takes larger bodies than MAX_CONTENT_LENGTH says so
with `body_limit`, since the edge reads bodies before the view runs.
"""

from __future__ import annotations

import json
import math
import re

from flask import Flask, current_app, request
from flask_babel import gettext as _

from tracker.errors import DomainError, InvalidInput, NotFound

MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 30

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadRequestBody(DomainError):
    """A body that cannot be read as data at all: 400."""

    code = 400


def text_problem(value: str) -> str | None:
    """Why a piece of text cannot be accepted (NUL or a lone surrogate), or None when it can."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("must not contain NUL characters")
    return _("must not contain lone surrogates (text that is not valid Unicode)")


def shown_name(name: str) -> str:
    """A parameter name as it can be shown in a message, its own bad characters escaped."""
    return _BAD_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


# The escapes by which NUL and lone surrogates get into a JSON string (raw ones cannot: the parser
# and the UTF-8 decoder refuse them first).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


class _Number:
    """A number the app refuses, kept as its literal until the walk knows which field holds it."""

    def __init__(self, text: str, finite: bool = True) -> None:
        self.text = text
        self.finite = finite


def _number_hooks(refused: list) -> dict:
    """json.loads hooks that keep refused numbers as _Number and note that there were some."""

    def parse_int(literal: str):
        if len(literal) > MAX_NUMBER_DIGITS and len(literal.lstrip("-")) > MAX_NUMBER_DIGITS:
            refused.append(literal)
            return _Number(literal)
        return int(literal)

    def parse_float(literal: str):
        value = float(literal)
        if math.isfinite(value):
            return value
        refused.append(literal)
        return _Number(literal, finite=False)

    def parse_constant(literal: str) -> _Number:
        refused.append(literal)
        return _Number(literal, finite=False)

    return {"parse_int": parse_int, "parse_float": parse_float, "parse_constant": parse_constant}


def _check_depth(document) -> None:
    """Refuse arrays and objects nested deeper than MAX_JSON_DEPTH; scalars are never pushed."""
    containers = (dict, list)
    stack = [(document, 1)] if type(document) in containers else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadRequestBody(_("The JSON body is nested deeper than %(limit)s levels.", limit=MAX_JSON_DEPTH))
        values = node.values() if type(node) is dict else node
        stack.extend((value, depth + 1) for value in values if type(value) in containers)


def _find_refused(document) -> None:
    """Walk a parsed document without recursion and refuse the first value the app cannot hold."""
    stack = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict | list):
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                if isinstance(key, str) and (problem := text_problem(key)):
                    _refuse_field((*path, shown_name(key)), problem)
                stack.append((value, (*path, key if isinstance(key, int) else shown_name(key))))
        elif isinstance(node, str):
            if problem := text_problem(node):
                _refuse_field(path, problem)
        elif isinstance(node, _Number):
            if not node.finite:
                _refuse_field(path, _("must be a finite number"))
            _refuse_field(path, _("must have at most %(limit)s digits", limit=MAX_NUMBER_DIGITS))


def _refuse_field(path: tuple, problem: str) -> None:
    field = ".".join(str(part) for part in path) or "_body"
    raise InvalidInput(_("The field %(field)s is not valid: %(problem)s.", field=field, problem=problem),
                       errors={"json": {field: [problem]}})


def loads_checked(data: str | bytes):
    """Parse JSON as the app accepts it; raises a 400 or 422 DomainError for what it refuses.

    An ordinary body costs one parse (with number hooks), one walk over its arrays and objects
    and one substring search; the document is walked value by value, to name the field, only
    when a number was refused or the text has an escape that may spell NUL or a lone surrogate.
    """
    refused: list[str] = []
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        document = json.loads(text, **_number_hooks(refused))
    except RecursionError as exc:  # far past the bound: the parser's own recursion gave out
        raise BadRequestBody(_("The JSON body is nested deeper than %(limit)s levels.",
                               limit=MAX_JSON_DEPTH)) from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BadRequestBody(_("The body is not valid JSON.")) from exc
    _check_depth(document)
    if refused or ("\\u" in text and _SUSPECT_ESCAPE.search(text)):
        _find_refused(document)
    return document


def _check_path() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and (problem := text_problem(value)):
            raise NotFound(_("Nothing is at this address: %(name)s %(problem)s.", name=name, problem=problem),
                           errors={"path": {name: [problem]}})


def _check_pairs(location: str, pairs) -> None:
    for name, value in pairs:
        if not isinstance(name, str):
            # A multipart part whose name the parser could not read at all.
            problem = _("has no name that can be read")
            raise InvalidInput(_("The parameter %(name)s is not valid: %(problem)s.", name="?", problem=problem),
                               errors={location: {"?": [problem]}})
        problem = text_problem(name) or (text_problem(value) if isinstance(value, str) else None)
        if problem:
            shown = shown_name(name)
            raise InvalidInput(_("The parameter %(name)s is not valid: %(problem)s.", name=shown, problem=problem),
                               errors={location: {shown: [problem]}})


def body_limit(setting: str, default: int):
    """Let one view take bodies larger than MAX_CONTENT_LENGTH: the edge reads bodies before the view
    runs, so the larger limit must be known before that (the setting names a config key)."""

    def mark(view):
        view.body_limit = (setting, default)
        return view

    return mark


def check_request() -> None:
    """Refuse a request whose path, query, form or JSON body carries text the app cannot accept."""
    limit = getattr(current_app.view_functions.get(request.endpoint), "body_limit", None)
    if limit is not None:
        request.max_content_length = current_app.config.get(*limit)
    _check_path()
    _check_pairs("query", request.args.items(multi=True))
    if request.mimetype in _FORM_TYPES:
        _check_pairs("form", request.form.items(multi=True))
        _check_pairs("files", ((name, upload.filename or "") for name, upload in request.files.items(multi=True)))
    elif request.is_json and (body := request.get_data(cache=True)):
        # Parsed here only to be checked: what passes is safe for every reader after this one
        # (flask-smorest's, `request.get_json()`), which parse it again with the standard library.
        loads_checked(body)


def init_hygiene(app: Flask) -> None:
    """Run the check ahead of every other before_request hook (sign-in, rate limits, views)."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
