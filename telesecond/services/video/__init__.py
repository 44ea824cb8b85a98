"""Video: consultation rooms and invited guests."""
