"""Accounts: registration and profile, passwords, API tokens."""
