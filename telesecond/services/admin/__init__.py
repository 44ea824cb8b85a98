"""Use cases of the admin console."""
