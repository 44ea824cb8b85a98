"""The admin console: every page of it on one blueprint (``admin_console``)."""

from telesecond.web import (  # noqa: F401  (each module adds its pages to the blueprint)
    admin_audit,
    admin_consultations,
    admin_fees,
    admin_home,
    admin_messages,
    admin_turnaround,
    admin_users,
)
from telesecond.web.admin_access import bp

__all__ = ["bp"]
