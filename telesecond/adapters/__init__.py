"""Edges to the outside world: each a tiny interface, a real implementation and a dev one."""
