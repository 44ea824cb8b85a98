"""Consultations: booking, the case file, documents, and the fan-out of every change."""
