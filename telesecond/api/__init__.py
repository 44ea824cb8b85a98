"""The JSON API under /api/v1 (bearer tokens, problem+json); ``api.routes`` assembles it."""
