"""What scheduling tells the apps above it (notifications listens; see mentora.hooks).

Each is called inside the service's transaction, with the arguments shown.
"""

from mentora.hooks import Hook

session_booked = Hook("session_booked")  # (session, *, by: User | None)
session_moved = Hook("session_moved")  # (session, *, by: User | None, old_starts_at)
session_cancelled = Hook("session_cancelled")  # (session, *, by: User | None)
cadence_changed = Hook("cadence_changed")  # (cadence, *, by: User)
attendance_marked = Hook("attendance_marked")  # (session, *, by: User)
# The session's own meeting link was set or cleared (its SEQUENCE bumped).
session_link_changed = Hook("session_link_changed")  # (session, *, by: User)
# A connected calendar was disabled after failing (calendars/services.py).
calendar_disabled = Hook("calendar_disabled")  # (connection: CalendarConnection)
