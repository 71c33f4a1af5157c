"""Hostile and careless input, on every URL rule and method of the app: never a server error.

For each (endpoint, method) of `app.url_map` (tests/security/routes.py builds a valid request for each),
signed in as a caller the authorization table lets through, one request per class of input:

- a NUL character in the path values (string values; an int value gets 5,000 digits instead),
- a NUL in each known query parameter (every query name the OpenAPI document or the route
  table uses, sent to every route),
- a NUL and an (undecodable) lone surrogate in each form field of the form routes,
- a lone surrogate in JSON: a body for every route, and in each string field of every API write,
- JSON nested 100,000 deep,
- 5,000-digit integers: a body for every route, in each field of every API write, in every query
  parameter, in int path values,
- year-1 and year-9999 dates in every date-like field: API bodies and filters (from the OpenAPI
  document), dashboard ranges, calendar forms, CSV imports.

Every answer must be below 500. The edge itself (tracker/web/hygiene.py) has its own tests at the
end: the status, the shape and the named field of each refusal.
"""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from tests.factories import build_security_world
from tests.security.authorization import EXPECTED, LOGIN
from tests.security.routes import CALLS, GET_URLS, periods

NUL = "\x00"
SURROGATE = "\ud800"
LONG_DIGITS = "9" * 5000
DEEP = "[" * 100_000 + "]" * 100_000
# A date of year 1 and of year 9999 with the offsets that push them out of range once in UTC.
YEAR_1 = {"date": "0001-01-01", "date-time": "0001-01-01T00:00:00+14:00"}
YEAR_9999 = {"date": "9999-12-31", "date-time": "9999-12-31T23:59:59-12:00"}
# Query names of the pages that no test URL happens to use; the API's come from its document.
PAGE_QUERY = {"provider", "consumer", "status", "page", "q", "scope", "action", "from", "to", "at", "period",
              "metric", "quarter"}
# Form and page date fields, by the name the route reads them under.
PAGE_DATES = {"at": "date", "from": "date", "to": "date"}
FORM_DATES = {"closures", "extra_working_days"}
PREFERENCE = ("admin", "leadership", "provider_lead", "consumer_employee", "other_lead", "other_employee",
              "anonymous")


def _caller(endpoint: str, method: str) -> str:
    """The caller who gets furthest into the route: a 2xx if anyone does, else a redirect."""
    table = EXPECTED[endpoint][method]
    for wanted in (range(200, 300), range(300, 400)):
        for caller in PREFERENCE:
            status = table[caller]
            if status != LOGIN and not isinstance(status, set) and status in wanted:
                return caller
    return "admin"


class Client:
    """Sends requests as the caller each route needs, signing in and out as little as possible."""

    def __init__(self, client, auth, world) -> None:
        self.client, self.auth, self.world = client, auth, world
        self.signed_in: str | None = None
        self.failures: list[str] = []
        self.sent = 0

    def send(self, endpoint: str, method: str, label: str, url: str, **kwargs) -> None:
        caller = _caller(endpoint, method)
        if caller != self.signed_in:
            self.auth.logout()
            if caller != "anonymous":
                self.auth.login(self.world.people[caller])
            self.signed_in = caller
        response = self.client.open(url, method=method, **kwargs)
        self.sent += 1
        if endpoint.startswith("auth."):
            self.signed_in = None  # signing in or out changed who the client is
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:120]!r} ({label}): {response.status_code}")


@pytest.fixture
def world(app):
    return build_security_world()


@pytest.fixture
def sender(client, auth, world) -> Client:
    return Client(client, auth, world)


def _routes(world):
    """(endpoint, method, url, kwargs) of the valid request of every route, reads first."""
    for endpoint, method in sorted(CALLS, key=lambda key: (key[0].startswith("auth."), key)):
        url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
        yield endpoint, method, url, kwargs


def _with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k not in {name for name, _ in pairs}]
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in [*kept, *pairs])
    return f"{parts.path}?{query}"


def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _operation(spec: dict, url: str, method: str) -> dict | None:
    parts = urlsplit(url).path.split("/")
    for path, operations in spec["paths"].items():
        pattern = path.split("/")
        if len(pattern) == len(parts) and all(p == u or p.startswith("{") for p, u in zip(pattern, parts, strict=True)):
            return operations.get(method.lower())
    return None


def _schema(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _body_fields(spec: dict, operation: dict | None) -> dict[str, dict]:
    if not operation or "requestBody" not in operation:
        return {}
    content = operation["requestBody"]["content"].get("application/json")
    schema = _schema(spec, content["schema"]) if content else {}
    return schema.get("properties", {}) if schema.get("type", "object") == "object" else {}


def _date_format(spec: dict, field: dict) -> str | None:
    field = _schema(spec, field)
    if field.get("type") == "array":
        field = _schema(spec, field.get("items", {}))
    return field.get("format") if field.get("format") in ("date", "date-time") else None


def _known_query_names(spec: dict, world) -> set[str]:
    """Every query name of the API's document, of the test URLs, and of the pages (PAGE_QUERY)."""
    names = set(PAGE_QUERY)
    for operations in spec["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                names |= {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    urls = [url for make in GET_URLS.values() for url in make(world, periods())]
    return names | {name for url in urls for name, _ in parse_qsl(urlsplit(url).query)}


def _path_variants(app, endpoint: str, method: str, url: str) -> tuple[str | None, str | None]:
    """The url with NUL after its string path values, and with 5,000 digits for its int ones."""
    path, _, query = url.partition("?")
    _endpoint, args = app.url_map.bind("localhost").match(path, method=method)
    with_nul, with_digits = path, path
    for value in args.values():
        if isinstance(value, int):
            with_digits = with_digits.replace(f"/{value}", f"/{LONG_DIGITS}", 1)
        else:
            with_nul = with_nul.replace(f"/{quote(value)}", f"/{quote(value)}%00", 1)
    if not args:
        with_nul = f"{path}%00"
    suffix = f"?{query}" if query else ""
    return (with_nul + suffix if with_nul != path else None), (with_digits + suffix if with_digits != path else None)


def _raw_json(fields: dict, name: str, literal: str) -> str:
    """A JSON body with one field's value written as a raw literal (too long for json.dumps)."""
    rest = json.dumps({k: v for k, v in fields.items() if k != name})
    head = json.dumps(name)
    return f"{{{head}: {literal}{', ' + rest[1:] if len(rest) > 2 else '}'}"


# --- one class of input per test, over every route --------------------------------------------


def test_nul_in_path_values(app, sender, world):
    for endpoint, method, url, kwargs in _routes(world):
        with_nul, _digits = _path_variants(app, endpoint, method, url)
        if with_nul:
            sender.send(endpoint, method, "NUL in path", with_nul, **kwargs)
    assert sender.sent > 40
    assert sender.failures == [], "\n".join(sender.failures)


def test_nul_in_each_known_query_parameter(client, sender, world):
    names = sorted(_known_query_names(_spec(client), world))
    for endpoint, method, url, kwargs in _routes(world):
        for name in names:
            sender.send(endpoint, method, f"NUL in ?{name}", _with_query(url, [(name, f"a{NUL}b")]), **kwargs)
    assert len(names) > 15
    assert sender.failures == [], "\n".join(sender.failures)


def test_nul_and_surrogates_in_each_form_field(sender, world):
    checked = 0
    for endpoint, method, _url, kwargs in _routes(world):
        if endpoint.startswith("api") or not isinstance(kwargs.get("data"), dict):
            continue
        for name in kwargs["data"]:
            for label, escaped in (("NUL", "%00"), ("lone surrogate", "%ED%A0%80")):
                url, fresh = CALLS[endpoint, method](world, _caller(endpoint, method))
                pairs = [(k, v) for k, values in fresh["data"].items()
                         for v in (values if isinstance(values, list) else [values]) if k != name]
                body = "&".join([f"{quote(k)}={quote(v)}" for k, v in pairs] + [f"{quote(name)}=a{escaped}b"])
                sender.send(endpoint, method, f"{label} in form {name}", url, data=body,
                            content_type="application/x-www-form-urlencoded")
                checked += 1
    assert checked > 40
    assert sender.failures == [], "\n".join(sender.failures)


def test_lone_surrogates_in_json(client, sender, world):
    spec = _spec(client)
    for endpoint, method, url, _kwargs in _routes(world):
        sender.send(endpoint, method, "surrogate body", url, data='{"name": "\\ud800"}',
                    content_type="application/json")
        if not _body_fields(spec, _operation(spec, url, method)):
            continue
        url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
        for name in kwargs.get("json") or {}:
            url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
            sender.send(endpoint, method, f"surrogate in {name}", url, json={**kwargs["json"], name: f"a{SURROGATE}"})
    assert sender.sent > 100
    assert sender.failures == [], "\n".join(sender.failures)


def test_json_nested_100000_deep(sender, world):
    for endpoint, method, url, _kwargs in _routes(world):
        sender.send(endpoint, method, "deep JSON", url, data=DEEP, content_type="application/json")
    assert sender.failures == [], "\n".join(sender.failures)


def test_integers_of_5000_digits(app, client, sender, world):
    spec = _spec(client)
    names = sorted(_known_query_names(spec, world))
    for endpoint, method, url, kwargs in _routes(world):
        sender.send(endpoint, method, "long integer body", url, data=f'{{"n": {LONG_DIGITS}}}',
                    content_type="application/json")
        _nul, with_digits = _path_variants(app, endpoint, method, url)
        if with_digits:
            sender.send(endpoint, method, "long integer in path", with_digits, **kwargs)
        url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
        sender.send(endpoint, method, "long integer in query", _with_query(url, [(n, LONG_DIGITS) for n in names]),
                    **kwargs)
        if not isinstance(kwargs.get("json"), dict):
            continue
        for name in kwargs["json"]:
            url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
            sender.send(endpoint, method, f"long integer in {name}", url,
                        data=_raw_json(kwargs["json"], name, LONG_DIGITS), content_type="application/json")
    assert sender.failures == [], "\n".join(sender.failures)


@pytest.mark.parametrize("dates", [YEAR_1, YEAR_9999], ids=["year 1", "year 9999"])
def test_far_dates_in_every_date_field(client, sender, world, dates):
    spec = _spec(client)
    for endpoint, method, url, _kwargs in _routes(world):
        operation = _operation(spec, url, method) if endpoint.startswith("api") else None
        query = {p["name"]: _date_format(spec, p.get("schema", {})) for p in (operation or {}).get("parameters", [])
                 if p.get("in") == "query"}
        query = {name: kind for name, kind in query.items() if kind}
        if not endpoint.startswith("api") and method == "GET":
            query = PAGE_DATES
        for name, kind in query.items():
            url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
            sender.send(endpoint, method, f"{dates['date']} in ?{name}", _with_query(url, [(name, dates[kind])]),
                        **kwargs)
        if query:
            url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
            both = [("from", YEAR_1[query.get("from", "date")]), ("to", YEAR_9999[query.get("to", "date")])]
            sender.send(endpoint, method, "widest range", _with_query(url, both), **kwargs)
        for name, field in _body_fields(spec, operation).items():
            kind = _date_format(spec, field)
            if not kind:
                continue
            url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
            value = [dates[kind]] if _schema(spec, field).get("type") == "array" else dates[kind]
            sender.send(endpoint, method, f"{dates['date']} in {name}", url, json={**(kwargs.get("json") or {}),
                                                                                   name: value})
        if not endpoint.startswith("api") and isinstance(_kwargs.get("data"), dict):
            for name in FORM_DATES & set(_kwargs["data"]):
                url, kwargs = CALLS[endpoint, method](world, _caller(endpoint, method))
                sender.send(endpoint, method, f"{dates['date']} in form {name}", url,
                            data={**kwargs["data"], name: dates["date"]})
    for column in ("requested_at", "delivered_at"):
        csv = (f"commitment,consumer,title,external_ref,{column}\n"
               f"{world.published.id},CON,Far,{world.unique('FAR-')},{dates['date-time']}\n")
        sender.send("api_handoffs.import_handoffs", "POST", f"{dates['date']} in CSV {column}",
                    "/api/v1/handoffs/import?source=far", data=csv, content_type="text/csv")
    assert sender.sent > 40
    assert sender.failures == [], "\n".join(sender.failures)


def test_nul_and_lone_surrogates_in_each_csv_cell(sender, world):
    columns = ("commitment", "consumer", "title", "external_ref", "external_source", "requested_at", "delivered_at")
    valid = {"commitment": str(world.published.id), "consumer": "CON", "title": "Imported", "external_source": "s",
             "requested_at": "2026-01-05T09:00:00+00:00", "delivered_at": ""}
    for column in columns:
        for label, bad in (("NUL", b"a\x00b"), ("lone surrogate", b"a\xed\xa0\x80b")):
            cells = [{**valid, "external_ref": world.unique("CSV-")}.get(name, "").encode() for name in columns]
            cells[columns.index(column)] = bad
            body = b",".join(columns_.encode() for columns_ in columns) + b"\n" + b",".join(cells) + b"\n"
            url = "/api/v1/handoffs/import?source=csv"
            sender.send("api_handoffs.import_handoffs", "POST", f"{label} in CSV {column}", url, data=body,
                        content_type="text/csv")
            sender.send("api_handoffs.import_handoffs", "POST", f"{label} in uploaded CSV {column}", url,
                        data={"file": (io.BytesIO(body), "handoffs.csv", "text/csv")},
                        content_type="multipart/form-data")
    assert sender.sent == 28
    assert sender.failures == [], "\n".join(sender.failures)


# --- what the edge answers --------------------------------------------------------------------


@pytest.fixture
def admin(client, auth, world):
    auth.login(world.people["admin"])
    return client


def test_nul_in_a_path_value_is_404_naming_the_parameter(admin):
    response = admin.get("/api/v1/departments/PRV%00")
    assert (response.status_code, list(response.json["errors"]["path"])) == (404, ["code"])


def test_nul_in_a_query_value_is_422_naming_the_parameter(admin):
    response = admin.get("/handoffs/delivered?provider=%00", headers={"Accept": "application/json"})
    assert (response.status_code, list(response.json["errors"]["query"])) == (422, ["provider"])


def test_a_page_refuses_nul_with_a_page_in_the_readers_language(admin):
    response = admin.get("/handoffs?provider=%00", headers={"Accept-Language": "zh-CN"})
    assert (response.status_code, response.mimetype) == (422, "text/html")
    assert "参数 provider 无效" in response.get_data(as_text=True)


def test_nul_in_a_form_value_is_422_naming_the_field(admin):
    response = admin.post("/admin/people", data={"email": "n@example.test", "display_name": f"a{NUL}b"},
                          headers={"Accept": "application/json"})
    assert (response.status_code, list(response.json["errors"]["form"])) == (422, ["display_name"])



@pytest.mark.parametrize("disposition", ['form-data', 'form-data; name="a\rb"', 'form-data; filename="x.csv"'],
                         ids=["no name", "unreadable name", "file without a name"])
def test_a_multipart_part_without_a_readable_name_is_422(admin, disposition):
    body = f"--B\r\nContent-Disposition: {disposition}\r\n\r\nv\r\n--B--\r\n".encode()
    response = admin.post("/api/v1/handoffs/import", data=body, content_type="multipart/form-data; boundary=B")
    location = "files" if "filename" in disposition else "form"
    assert (response.status_code, response.json["errors"]) == (422, {location: {"?": ["has no name that can be read"]}})


@pytest.mark.parametrize(("body", "field"), [
    ('{"code": "NEW", "name": "\\ud800"}', "name"),
    ('{"code": "NEW", "name": "x", "extra": {"deeper": ["ok", "\\udfff"]}}', "extra.deeper.1"),
    (f'{{"code": "NEW", "name": {LONG_DIGITS}}}', "name"),
], ids=["surrogate", "nested surrogate", "5000 digits"])
def test_json_values_the_app_cannot_hold_are_422_naming_the_field(admin, body, field):
    response = admin.post("/api/v1/departments", data=body, content_type="application/json")
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, [field])


def test_json_nested_past_32_levels_is_400_and_up_to_32_reaches_the_schema(admin):
    answers = [admin.post("/api/v1/departments", data="[" * depth + "]" * depth, content_type="application/json")
               for depth in (32, 33)]
    assert [response.status_code for response in answers] == [422, 400]
