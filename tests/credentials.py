"""The password every test account is created with, so a test can sign in as anyone."""

PASSWORD = "correct-horse-battery"
