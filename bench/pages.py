"""One page timed through Django's test client: queries counted on the first
(cold) request, then the median of repeated requests and their CPU cost."""

from __future__ import annotations

from time import perf_counter, process_time

from django.db import connection
from django.test import Client

from bench.report import Result, time_ms


def timed_page(
    name: str, url: str, client: Client, note: str, *, target_ms: float, repeat: int
) -> Result:
    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    started = perf_counter()
    with connection.execute_wrapper(count):
        get()  # cold: caches empty, database pages maybe not in memory
    cold_ms = (perf_counter() - started) * 1000
    cpu_started = process_time()
    timings = time_ms(get, repeat=repeat, warmup=1)
    # The process's own CPU time per request: what the page costs when the
    # machine is shared (wall time then includes waiting for a core).
    cpu_ms = (process_time() - cpu_started) * 1000 / (repeat + 1)
    return Result(
        name=name,
        timings_ms=timings,
        target_ms=target_ms,
        judged_by="median",
        note=(
            f"{note}; {len(statements)} queries; CPU {cpu_ms:.0f} ms a request (mean); "
            f"first request {cold_ms:.0f} ms"
        ),
    )
