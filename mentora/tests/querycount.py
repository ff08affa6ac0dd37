"""Query-count checks: a page's number of SQL queries must not grow with the data."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries_before_and_after(
    client: Client, url: str, *, grow: Callable[[int], object], first: int = 1, more: int = 3
) -> tuple[int, int]:
    """Queries for `url` with `first` items, then after `grow` added `more` items."""
    grow(first)
    client.get(url)  # warm session and content-type caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    grow(more)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    return len(few.captured_queries), len(many.captured_queries)
