"""mentora.hooks: a lower app's way of telling a higher one, without importing it."""

from mentora.hooks import Hook
from mentora.matching import hooks as matching_hooks
from mentora.mentoring import hooks as mentoring_hooks
from mentora.notifications import events
from mentora.scheduling import hooks as scheduling_hooks


def test_a_hook_calls_each_listener_once_with_the_callers_arguments():
    heard = []
    hook = Hook("something_happened")

    def listener(thing, *, by):
        heard.append((thing, by))

    hook.connect(listener)
    hook.connect(listener)  # ready() may run twice: still one call
    hook("session", by="mentor")

    assert heard == [("session", "mentor")]


def test_a_hook_without_listeners_does_nothing():
    Hook("nobody_listens")("anything", by=None)


def test_notifications_listens_to_every_scheduling_matching_and_mentoring_hook():
    for hooks in (scheduling_hooks, matching_hooks, mentoring_hooks):
        for name, hook in vars(hooks).items():
            if isinstance(hook, Hook):
                assert getattr(events, name) in hook._listeners, name
