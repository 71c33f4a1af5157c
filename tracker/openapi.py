"""Finishing touches on the OpenAPI document, applied once to every operation.

flask-smorest documents the success answer of each view and a 422 where arguments are parsed.
Every operation can also answer with the shared error document for reasons that no single view
decorates: no or a revoked token (401), a role or department check (403), a path naming nothing
(404), a rule a service enforces (422), a unique key or a changed state (409), a body that is not
JSON or lacks the CSRF header (400), a body over the size limit (413), a database that is down or
read-only (503). Documenting them here, after every blueprint is registered, keeps the views free
of repeated decorators and keeps new operations documented without anyone remembering to.
"""

from __future__ import annotations

from decimal import Decimal

from flask_smorest import Api
from marshmallow import validate

ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
    400: ("BAD_REQUEST", "The body is not valid JSON, or a signed-in browser sent no CSRF header."),
    401: ("UNAUTHORIZED", "No valid session or bearer token."),
    403: ("FORBIDDEN", "The caller's role or department may not do this."),
    404: ("NOT_FOUND", "Nothing has the identifier given in the path."),
    409: ("CONFLICT", "The change conflicts with existing data or with the object's state."),
    413: ("PAYLOAD_TOO_LARGE", "The body is larger than the server accepts."),
    422: ("UNPROCESSABLE_ENTITY", "The input breaks a rule; `errors` names the fields."),
    503: ("SERVICE_UNAVAILABLE", "The database cannot be reached or refuses writes; try again later."),
}
_WRITES = {"post", "put", "patch", "delete"}
_METHODS = _WRITES | {"get", "head", "options"}


def _codes_for(path: str, method: str) -> list[int]:
    codes = [401, 403, 422, 503]
    if "{" in path:
        codes.append(404)
    if method in _WRITES:
        codes += [400, 409, 413]
    return sorted(codes)


def _numeric_bounds(node) -> None:
    """Decimal bounds would be serialised as strings; a JSON Schema needs numbers there."""
    if isinstance(node, dict):
        for key in ("minimum", "maximum"):
            value = node.get(key)
            if isinstance(value, str | Decimal) and node.get("type") in ("number", "integer"):
                node[key] = float(value) if node["type"] == "number" else int(value)
        for value in node.values():
            _numeric_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _numeric_bounds(value)


def exclusive_bounds(converter, field, ret, **kwargs) -> dict:
    """Document `Range(min_inclusive=False)` as exclusiveMinimum (and the same for the maximum).

    apispec writes the bound alone, which tells a client that 0 is allowed where the server
    refuses it. OpenAPI 3.0 marks an exclusive bound with a boolean next to it.
    """
    ranges = [v for v in field.validators if isinstance(v, validate.Range)]
    lows = [v for v in ranges if v.min is not None]
    highs = [v for v in ranges if v.max is not None]
    found = {}
    # The tightest bound is the one documented (apispec's rule); at equal values, exclusive is tighter.
    if lows and not max(lows, key=lambda v: (v.min, not v.min_inclusive)).min_inclusive:
        found["exclusiveMinimum"] = True
    if highs and not min(highs, key=lambda v: (v.max, v.max_inclusive)).max_inclusive:
        found["exclusiveMaximum"] = True
    return found


def start_document(api: Api) -> None:
    """Teach the schema converter what apispec leaves out; called before any blueprint is registered."""
    api.ma_plugin.converter.add_attribute_function(exclusive_bounds)


def _body_schema(spec, operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema")
    if schema and "$ref" in schema:
        return spec.components.schemas.get(schema["$ref"].rsplit("/", 1)[-1])
    return schema


def finish_document(api: Api) -> None:
    """Add the shared error answers to every operation, make numeric bounds numbers, and say
    exactly what the server does with pagination headers and bodies that are left out."""
    spec = api.spec
    # flask-smorest sends X-Pagination as JSON text in one header, not as an object.
    for headers in (spec.components.headers, spec.components.headers_lazy):
        pagination = headers.get("PAGINATION")
        if pagination is None:
            continue
        pagination["schema"] = {"type": "string", "description": "JSON text of a PaginationMetadata object: "
                                "total, total_pages, first_page, last_page, page, previous_page, next_page"}
    for name, description in _ERRORS.values():
        if name not in spec.components.responses:
            spec.components.response(name, {"description": description,
                                            "content": {"application/json": {"schema": ERROR_SCHEMA}}})
    for path, operations in spec._paths.items():  # apispec keeps no public accessor for finished paths
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in _codes_for(path, method):
                responses.setdefault(str(code), {"$ref": f"#/components/responses/{_ERRORS[code][0]}"})
            # A JSON body that is left out is read as {}: it is required only when a field is.
            body = _body_schema(spec, operation)
            if body is not None and body.get("type") == "object" and not body.get("required"):
                operation["requestBody"]["required"] = False
    _numeric_bounds(spec._paths)
    _numeric_bounds(spec.components.schemas)
