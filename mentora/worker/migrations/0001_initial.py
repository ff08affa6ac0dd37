# PeriodicRun moved here from the notifications app. Its table already exists
# (notifications 0001 created it), so this changes the migration state only.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PeriodicRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, unique=True)),
                        ('covered_until', models.DateTimeField()),
                        ('last_error', models.TextField(blank=True)),
                    ],
                    options={'db_table': 'notifications_periodicrun'},
                ),
            ],
        ),
    ]
