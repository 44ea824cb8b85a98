"""SQLAlchemy models, one module per aggregate; imported here so metadata is complete."""

from telesecond.models.account import Account, ApiToken
from telesecond.models.audit import AuditEvent
from telesecond.models.base import Base

__all__ = ["Account", "ApiToken", "AuditEvent", "Base"]
