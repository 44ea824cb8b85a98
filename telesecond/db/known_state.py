"""Tell the session what a statement of ours has just written to a loaded row."""

from __future__ import annotations

from sqlalchemy.orm.attributes import set_committed_value


def note_written(instance: object, **values: object) -> None:
    """Set ``values`` on ``instance`` as its stored state: no UPDATE will follow, and
    reading them needs no reload (a Core UPDATE wrote them already)."""
    for name, value in values.items():
        set_committed_value(instance, name, value)
