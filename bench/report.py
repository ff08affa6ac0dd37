"""Timing and the result table, shared by every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


def time_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls, after `warmup` untimed ones
    (the first calls pay for imports, zone files and cold database pages)."""
    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def p95(values: list[float]) -> float:
    # Nearest rank: a time that was actually observed, not an interpolation.
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Result:
    name: str
    timings_ms: list[float]
    target_ms: float
    judged_by: Literal["median", "p95"]  # which figure the target applies to
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95_ms(self) -> float:
        return p95(self.timings_ms)

    @property
    def verdict(self) -> str:
        figure = self.median_ms if self.judged_by == "median" else self.p95_ms
        return "ok" if figure < self.target_ms else "over"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "runs", "median", "p95", "target", "result")]
    rows += [
        (
            r.name,
            str(len(r.timings_ms)),
            f"{r.median_ms:.1f} ms",
            f"{r.p95_ms:.1f} ms",
            f"{r.judged_by} < {r.target_ms:g} ms",
            r.verdict,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines + (["", *notes] if notes else []))
