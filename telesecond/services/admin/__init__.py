"""Use cases of the admin console: checking specialists' licences, suspending, reinstating,
users, consultations, the audit log and resending messages."""
