"""URL path converters. `<id:...>` is every object id in a URL: ASCII digits
only, and never more than the database can hold, so an id too large is a 404
everywhere (Django treats a ValueError from `to_python` as "no such URL")
instead of an overflow in the query. The parsing is `mentora.inputs.parse_id`,
the same as every form and query string. `<token:...>` is a secret token
(URL-safe base64): any other character is a 404 before the lookup."""

from __future__ import annotations

from mentora.inputs import MAX_ID, TOKEN_PATTERN, parse_id

__all__ = ["MAX_ID", "IdConverter", "TokenConverter"]


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class TokenConverter:
    regex = TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
