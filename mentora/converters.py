"""URL path converters. `<id:...>` is every object id in a URL: digits only, and
never more than the database can hold, so an id too large is a 404 everywhere
(Django treats a ValueError from `to_python` as "no such URL") instead of an
overflow in the query."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL's bigint hold


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)
