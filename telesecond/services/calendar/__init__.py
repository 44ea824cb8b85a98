"""Calendar: invites by email, .ics downloads and per-person feeds."""
