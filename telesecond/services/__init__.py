"""Use cases, one transaction each, grouped by feature; they take `now` and return models."""
