"""Accounts' hooks (see mentora/hooks.py): what a higher app may want to hear about people."""

from __future__ import annotations

from mentora.hooks import Hook

# What matching knows about these people may have changed (profile, capacity,
# weekly hours, membership, erasure): (user_ids: Collection[int]). Called inside
# the writer's transaction; listeners act after commit.
mentor_features_changed = Hook("mentor_features_changed")
