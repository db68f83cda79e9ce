"""What reuse's services raise when they refuse: callers roll back and show the message."""


class ReuseError(Exception):
    """Refused; the message says why, in the user's terms. Nothing was changed."""


class Conflict(ReuseError):
    """Someone else changed the listing or request first (HTTP 409)."""
