"""A person's own calendars: connecting one (an iCalendar address or CalDAV),
reading its busy times in the worker, and what the owner sees of it."""
