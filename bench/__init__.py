"""Benchmarks for the targets in docs/performance.md: `python -m bench` (or `make bench`).

They print figures and never assert timings: a slow machine must not fail a
build, and a number is more useful than a pass. Each run uses the database that
DATABASE_URL names; without it, a separate SQLite file (var/bench.sqlite3), so
the demo database is left alone.
"""
