"""On PostgreSQL the database itself refuses overlapping sessions of one mentor.

An exclusion constraint over (mentor, [blocked_from, blocked_until)) for every
session that isn't cancelled; btree_gist lets the integer mentor id share a GiST
index with the time range. SQLite has no equivalent: there, bookings are
serialised by IMMEDIATE transactions and checked by the booking service (see
docs/locking.md).
"""

from django.db import migrations

CONSTRAINT = "session_no_overlap_per_mentor"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_session ADD CONSTRAINT {CONSTRAINT}
  EXCLUDE USING gist (
    mentor_id WITH =,
    tstzrange(blocked_from, blocked_until, '[)') WITH &&
  ) WHERE (status <> 'cancelled');
"""
DROP = f"ALTER TABLE scheduling_session DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
