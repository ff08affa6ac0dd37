"""What mentoring tells the apps above it (notifications listens; see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

reflection_reopened = Hook("reflection_reopened")  # (reopening: ReflectionReopening)
