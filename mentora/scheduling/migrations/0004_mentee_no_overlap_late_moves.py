"""A mentee's sessions never overlap either, and a late move keeps a record.

On PostgreSQL an exclusion constraint over (mentee, [blocked_from,
blocked_until)) for every session that isn't cancelled, like the mentor's one in
0002 (a mentee with two mentors could otherwise be booked twice at once). On
SQLite the booking services check it under the same lock (docs/locking.md).
`moved_to` marks the cancelled record of a time a session was moved away from
inside the notice period.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CONSTRAINT = "session_no_overlap_per_mentee"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_session ADD CONSTRAINT {CONSTRAINT}
  EXCLUDE USING gist (
    mentee_id WITH =,
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
    dependencies = [
        ("scheduling", "0003_session_program_starts_at_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="moved_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="moved_from",
                to="scheduling.session",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("schedule_conflict", "Something else came up at that time"),
                    ("illness", "I'm ill"),
                    ("work_not_done", "I didn't finish my work"),
                    ("emergency", "Personal emergency"),
                    ("cadence_changed", "The regular schedule changed"),
                    ("mentorship_ended", "The mentorship ended"),
                    ("moved_late", "Moved at short notice"),
                    ("other", "Other"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("moved_to__isnull", True),
                    models.Q(("cancel_reason", "moved_late"), ("status", "cancelled")),
                    _connector="OR",
                ),
                name="session_moved_to_only_on_a_late_move",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
