"""The back office (Django admin) for the network, scoped by the access policy.

Portal roles hold no Django model permissions: every `has_*_permission` here asks `venues.access`
instead. Palace staff and managers see and change their own palaces' rows only, city officers read
their city's palaces, provincial staff (and superusers) do everything. A row outside the user's
scope answers 404 like a missing one, never 403, so ids cannot be probed (DESIGN.md).
"""

from . import lockout, network, staff, users  # noqa: F401  (importing registers the admin pages)
