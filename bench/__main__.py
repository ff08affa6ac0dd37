"""`python -m bench [--only slots|openings ...]`: set up Django, run, print a table."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.report import Result

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = (
    "slots",
    "openings",
    "matching",
    "caseload",
    "insights",
    "people",
    "calendars",
    "sessions",
    "cohort",
    "publishing",
    "directory",
    "throughput",
    "api_throughput",
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        help="Run only this benchmark (repeatable). Default: all.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="The small sizes only: no national match, 3 s a page for throughput.",
    )
    return parser.parse_args(argv)


def setup_django() -> str:
    """Point Django at the benchmark database, set it up, bring its schema up to date.

    DATABASE_URL must be set before django.setup(): settings read it at import.
    """
    if not os.environ.get("DATABASE_URL"):
        var_dir = Path(os.environ.get("MENTORA_VAR_DIR", REPO / "var"))
        var_dir.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentora.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def runners() -> dict[str, Callable[[], Result | list[Result]]]:
    # Imported only after django.setup(): the benchmarks import models.
    from bench import (
        api_throughput,
        calendars,
        cohort,
        directory,
        insights,
        matching,
        openings,
        people,
        publishing,
        sessions,
        slots,
        throughput,
    )

    return {
        "slots": slots.run,
        "openings": openings.run,
        "matching": matching.run,
        "caseload": insights.run_caseload,
        "insights": insights.run_insights,
        "people": people.run_all,
        "calendars": calendars.run,
        "sessions": sessions.run,
        "cohort": cohort.run,
        "publishing": publishing.run,
        "directory": directory.run,
        "throughput": throughput.run,
        "api_throughput": api_throughput.run,
    }


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.quick:  # read by the benchmarks at import and run time
        os.environ["MENTORA_BENCH_QUICK"] = "1"
        os.environ.setdefault("BENCH_THROUGHPUT_SECONDS", "3")
    database = setup_django()
    print(f"Database: {database}", flush=True)
    from bench.report import table

    chosen = args.only or list(BENCHMARKS)
    results: list[Result] = []
    for name, run in runners().items():
        if name in chosen:
            got = run()  # one result, or several (people: three pages)
            results += got if isinstance(got, list) else [got]
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
