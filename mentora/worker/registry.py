"""Where apps declare what the worker runs for them, in their own `jobs.py`
(found by WorkerConfig.ready with autodiscover_modules), so the worker never
names another app's functions.

- `@periodic(every=...)` makes a function a periodic job. A windowed job is
  called with `since=` and `now=` (the span it covers); otherwise with `now=`.
  An atomic job runs inside the transaction that claims its window.
- `retry_safe(prefix)` says the tasks under a module prefix may run twice, so
  the worker retries them when they fail and re-queues them when their worker dies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[..., Any]
    windowed: bool = True
    atomic: bool = True


_jobs: dict[str, Job] = {}
_retry_safe: list[str] = []


def periodic(
    *, every: timedelta, name: str | None = None, windowed: bool = True, atomic: bool = True
) -> Callable[[F], F]:
    def register(func: F) -> F:
        job = Job(name or func.__name__, every, func, windowed=windowed, atomic=atomic)
        known = _jobs.get(job.name)
        if known is not None and known.func is not func:
            raise ValueError(f"Two periodic jobs are named {job.name!r}.")
        _jobs[job.name] = job
        return func

    return register


def jobs() -> tuple[Job, ...]:
    return tuple(_jobs.values())


def retry_safe(prefix: str) -> None:
    if prefix not in _retry_safe:
        _retry_safe.append(prefix)


def retry_safe_prefixes() -> tuple[str, ...]:
    return tuple(_retry_safe)
