"""A session's meeting link: its own, a video room of its own, or the mentor's.

links.py says the link (the one place every page, invite and message asks);
services.py sets a session's own link; forms.py and views.py the session page's
small form for it.
"""
