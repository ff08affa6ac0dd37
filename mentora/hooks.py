"""Hooks: how a lower app tells a higher one something without importing it.

The lower app owns the hook (for example `mentora.scheduling.hooks.session_booked`)
and calls it inside its transaction; a higher app connects a listener in its
AppConfig.ready (notifications does, to send the messages). With no listener a
call does nothing, so the lower app never depends on who listens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[..., object]


class Hook:
    """A named point another app listens to; listeners are called in order, with
    the arguments the hook's owner documents beside it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._listeners: list[Listener] = []

    def connect(self, listener: Listener) -> None:
        if listener not in self._listeners:  # ready() may run twice in tests
            self._listeners.append(listener)

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        for listener in self._listeners:
            listener(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"
