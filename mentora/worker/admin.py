from django.contrib import admin

from mentora.worker.models import PeriodicRun


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    list_display = ["name", "covered_until", "last_error"]
