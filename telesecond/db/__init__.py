"""Persistence machinery behind one seam: engine set-up, locks, row batches, backend checks."""
