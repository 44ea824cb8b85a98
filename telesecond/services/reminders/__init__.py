"""Reminders: the outbox, its dispatcher and delivery, message texts, SMS consent."""
