"""Test doubles and fixtures shared by the whole suite."""
