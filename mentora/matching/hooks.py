"""What matching tells the apps above it (notifications listens; see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

request_created = Hook("request_created")  # (request: MentorRequest)
request_decided = Hook("request_decided")  # (request: MentorRequest)
request_withdrawn = Hook("request_withdrawn")  # (request: MentorRequest)
# Many at once (a cohort publish): the same notices, queued in bulk.
requests_withdrawn_many = Hook("requests_withdrawn_many")  # (requests: list[MentorRequest])
# Left unanswered past their expiry (the periodic job, or a new request by the mentee).
requests_expired_many = Hook("requests_expired_many")  # (requests: list[MentorRequest])
pulse_asked = Hook("pulse_asked")  # (pulse: Pulse)
pulse_answered = Hook("pulse_answered")  # (pulse: Pulse)
concern_raised = Hook("concern_raised")  # (concern: Concern)
concern_resolved = Hook("concern_resolved")  # (concern: Concern)
mentorship_started = Hook("mentorship_started")  # (mentorship: Mentorship)
mentorships_started_many = Hook("mentorships_started_many")  # (mentorships: list[Mentorship])
mentorship_ended = Hook("mentorship_ended")  # (mentorship: Mentorship, *, by: User | None)
