"""What applications tells the apps above it (webhooks listens; see mentora.hooks).

Called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

# Every recorded status change, the applicant's own (confirming, withdrawing) and a
# reviewer's: (application, *, from_status: str, to_status: str, by: User | None).
application_moved = Hook("application_moved")
