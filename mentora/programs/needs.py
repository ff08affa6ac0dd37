"""One thing that needs a person now, as each app's queries report it for a home.

Every app below `home` supplies its own items (`needs_you_now_for_<role>`); the
home view gathers them. The type lives here, low in the layers, so each app can
build it without importing another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Need:
    title: str
    url: str  # where it is done
    due: datetime | None = None  # a deadline, or when it became due
    late: bool = False  # past its deadline (still worth doing)


# The most items one source adds to a home: a long list is read by nobody.
NEEDS_SHOWN = 5


def by_due(needs: list[Need]) -> list[Need]:
    """Late first, then soonest due; undated items last, in the order given."""
    return sorted(
        needs, key=lambda n: (not n.late, n.due is None, n.due.timestamp() if n.due else 0.0)
    )
