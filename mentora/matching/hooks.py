"""What matching tells the apps above it (notifications listens; see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

request_created = Hook("request_created")  # (request: MentorRequest)
request_decided = Hook("request_decided")  # (request: MentorRequest)
request_withdrawn = Hook("request_withdrawn")  # (request: MentorRequest)
pulse_asked = Hook("pulse_asked")  # (pulse: Pulse)
pulse_answered = Hook("pulse_answered")  # (pulse: Pulse)
concern_raised = Hook("concern_raised")  # (concern: Concern)
concern_resolved = Hook("concern_resolved")  # (concern: Concern)
mentorship_started = Hook("mentorship_started")  # (mentorship: Mentorship)
mentorship_ended = Hook("mentorship_ended")  # (mentorship: Mentorship, *, by: User | None)
