# PeriodicRun now belongs to the worker app (same table); forget it here
# without touching the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
        ('worker', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='PeriodicRun')],
        ),
    ]
