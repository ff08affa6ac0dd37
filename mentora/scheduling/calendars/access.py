"""Who may see or change a connected calendar: its owner, and nobody else
(not staff, not a superuser on these pages: the Django admin shows no secret)."""

from __future__ import annotations

from django.http import Http404

from mentora.accounts.models import User
from mentora.scheduling.models import CalendarConnection


def connection_for_owner(user: User, connection_id: int) -> CalendarConnection:
    """The user's own connection; 404 for anyone else's, as for one that doesn't exist."""
    connection = (
        CalendarConnection.objects.filter(owner=user, pk=connection_id)
        .select_related("owner")
        .first()
    )
    if connection is None:
        raise Http404("No such calendar.")
    return connection
