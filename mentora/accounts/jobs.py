"""The accounts app's periodic jobs (run by the worker; see mentora.worker.registry)."""

from __future__ import annotations

from datetime import timedelta

from mentora.accounts.sessions import sessions_clear_expired
from mentora.worker.registry import periodic, retry_safe

# An account email that failed is sent again (mentora.accounts.mail).
retry_safe("mentora.accounts.mail.")

# Expired sessions and the rows of where people were signed in: a few times a day
# keeps the session table (which signing out everywhere reads) small.
periodic(every=timedelta(hours=6), name="expired_sessions", windowed=False)(sessions_clear_expired)
