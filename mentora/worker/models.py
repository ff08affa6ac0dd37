from django.db import models


class PeriodicRun(models.Model):
    """The last moment a periodic job covered. A worker claims the window from
    `covered_until` to now by compare-and-set, so two workers never run it twice."""

    name = models.CharField(max_length=80, unique=True)
    covered_until = models.DateTimeField()
    last_error = models.TextField(blank=True)

    class Meta:
        # Kept from when the notifications app owned it: moving it moved no data.
        db_table = "notifications_periodicrun"

    def __str__(self) -> str:
        return f"{self.name} up to {self.covered_until:%Y-%m-%d %H:%M}"
