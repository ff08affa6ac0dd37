"""A browser's user agent in words a person recognises: "Firefox on Windows".

Pure and small on purpose: the sessions page only needs the browser family and
the system, not versions, and a user agent is whatever the client chose to send
(it may be empty, very long or a lie), so anything unknown is said as such.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS: tuple[tuple[str, str], ...] = (
    (r"\bEdg(?:e|A|iOS)?/", "Edge"),
    (r"\b(?:OPR|Opera|OPiOS)/", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\b(?:Firefox|FxiOS)/", "Firefox"),
    (r"\b(?:Chrome|Chromium|CriOS|HeadlessChrome)/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\b(?:MSIE |Trident/)", "Internet Explorer"),
)

# (pattern, system, kind); kind decides the wording of a phone or tablet.
_SYSTEMS: tuple[tuple[str, str, str], ...] = (
    (r"\biPhone\b", "iPhone", "phone"),
    (r"\biPad\b", "iPad", "tablet"),
    (r"\bAndroid\b.*\bMobile\b", "Android", "phone"),
    (r"\bAndroid\b", "Android", "tablet"),
    (r"\bCrOS\b", "ChromeOS", "computer"),
    (r"\bWindows\b", "Windows", "computer"),
    (r"\bMac OS X\b|\bMacintosh\b", "macOS", "computer"),
    (r"\bLinux\b|\bX11\b", "Linux", "computer"),
)

# Longer input says nothing more about the browser; scanning it would only cost time.
_MAX_SCANNED = 512


def browser_name(user_agent: str) -> str | None:
    head = user_agent[:_MAX_SCANNED]
    for pattern, name in _BROWSERS:
        if re.search(pattern, head):
            return name
    return None


def system_name(user_agent: str) -> tuple[str, str] | None:
    head = user_agent[:_MAX_SCANNED]
    for pattern, name, kind in _SYSTEMS:
        if re.search(pattern, head):
            return name, kind
    return None


def describe_user_agent(user_agent: str) -> str:
    """ "Firefox on Windows", "Safari on an iPhone", "Chrome on an Android phone", or
    "An unknown browser" when the user agent names nothing we know."""
    browser = browser_name(user_agent)
    system = system_name(user_agent)
    if system is None:
        return browser or _("An unknown browser")
    name, kind = system
    if name == "Android":
        device = _("an Android phone") if kind == "phone" else _("an Android tablet")
    elif name in ("iPhone", "iPad"):
        device = _("an iPhone") if name == "iPhone" else _("an iPad")
    else:
        device = name
    if browser is None:
        return _("A browser on %(device)s") % {"device": device}
    return _("%(browser)s on %(device)s") % {"browser": browser, "device": device}
