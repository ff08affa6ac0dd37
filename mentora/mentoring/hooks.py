"""What mentoring tells the apps above it (notifications listens; see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

reflection_reopened = Hook("reflection_reopened")  # (reopening: ReflectionReopening)
# A party's first reflection on a session (later edits are not announced).
reflection_submitted = Hook("reflection_submitted")  # (reflection: Reflection)
feedback_submitted = Hook("feedback_submitted")  # (feedback: Feedback)
