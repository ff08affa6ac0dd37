"""Answers computed once per page: several parts of one page (the header, the
home's sections, "Needs you now") ask the same question of the database.

`@program_view` opens a memo for each GET of a program page (`reading_page`);
`per_request` keeps answers in it for that page only. Elsewhere (a POST that
changes what it then reads, a job, a test calling a query twice) there is no
memo and every call computes afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("mentora_page_memo", default=None)


@contextmanager
def reading_page() -> Iterator[None]:
    """Answers asked while the page is built are computed once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remember(user: Any, key: Hashable, value: object) -> None:
    """Keep an answer read along with another for the rest of the page (if in one)."""
    memo = _memo.get()
    if memo is not None:
        memo[(getattr(user, "pk", None), key)] = value


def per_request(user: Any, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per page for `user` and `key` (every time outside a page)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    full_key = (getattr(user, "pk", None), key)
    if full_key not in memo:
        memo[full_key] = compute()
    return memo[full_key]  # type: ignore[no-any-return]
