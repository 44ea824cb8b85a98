"""Payments at booking (Stripe Checkout), refunds by rule, and their admin reports."""
