"""Use cases only admins run: checking specialists' licences, suspending, reinstating."""
