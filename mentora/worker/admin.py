from django.contrib import admin

from mentora import inputs
from mentora.worker.models import PeriodicRun


@admin.register(PeriodicRun)
class PeriodicRunAdmin(admin.ModelAdmin):
    form = inputs.ModelForm  # text refuses control characters, numbers are ASCII
    list_display = ["name", "covered_until", "last_error"]
