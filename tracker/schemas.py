"""Pieces shared by every feature's schemas."""

from __future__ import annotations

from marshmallow import ValidationError
from werkzeug.routing import IntegerConverter

from tracker.extensions import db

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Pages past this one would need an OFFSET beyond 2**31; no table is that large, so they are empty.
MAX_PAGE = 2**31 // MAX_PAGE_SIZE


MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ids past 2**31 - 1 match no route (404) instead of overflowing SQL."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def no_nul(value: str) -> None:
    """Refuse NUL characters, which PostgreSQL text cannot store."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError("must not contain NUL characters")


def paginate(query, pagination_parameters) -> list:
    """Return one page of a select() and tell flask-smorest the total for X-Pagination."""
    page = db.paginate(
        query,
        page=min(pagination_parameters.page, MAX_PAGE),
        per_page=pagination_parameters.page_size,
        max_per_page=MAX_PAGE_SIZE,
        error_out=False,
        count=True,
    )
    pagination_parameters.item_count = page.total
    return page.items
