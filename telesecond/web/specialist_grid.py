"""The weekly hours as a grid: seven days by half-hour rows, one checkbox per cell.

A ticked cell is a half hour the specialist works. Cells become the same weekly windows
(weekday, start minute, end minute) the text form saves: neighbouring ticked cells of a
day merge into one window. Hours that do not fall on the half hour cannot be shown as
cells; the page says so, and the text form keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from telesecond.services import languages

STEP = 30  # minutes a cell stands for
DAY_MINUTES = 24 * 60
# Rows shown unless the saved hours reach further, or the whole day is asked for.
DEFAULT_FIRST, DEFAULT_LAST = 6 * 60, 22 * 60
_CELL = re.compile(r"^([0-6])-(\d{1,4})$")
_A_MONDAY = date(2026, 3, 2)
MAX_CELLS = 7 * DAY_MINUTES // STEP


@dataclass(frozen=True)
class Cell:
    weekday: int
    minute: int
    checked: bool
    label: str  # "Monday 09:00 to 09:30", the checkbox's accessible name

    @property
    def value(self) -> str:
        return f"{self.weekday}-{self.minute}"

    @property
    def id(self) -> str:
        return f"cell-{self.weekday}-{self.minute}"


@dataclass(frozen=True)
class GridRow:
    minute: int
    label: str  # "09:00"
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    days: list[str]  # localised weekday names, Monday first
    short_days: list[str]  # the same, abbreviated
    rows: list[GridRow]
    first: int
    last: int
    whole_day: bool
    off_grid: list[str]  # saved windows the cells cannot show ("Monday 09:15-12:00")


def day_names() -> list[str]:
    """Monday to Sunday in the page's language."""
    return [languages.format_day(_A_MONDAY + timedelta(days=i), "EEEE") for i in range(7)]


def short_day_names() -> list[str]:
    """Mon to Sun, abbreviated as the page's language does."""
    return [languages.format_day(_A_MONDAY + timedelta(days=i), "EEE") for i in range(7)]


def clock_label(minute: int) -> str:
    """A minute of the day as the page's language writes the time (24:00 for midnight)."""
    if minute >= DAY_MINUTES:
        return "24:00"
    instant = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(minutes=minute)
    return languages.format_local(instant, ZoneInfo("UTC"), languages.patterns().clock)


def cells_of(windows: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    """The cells a set of weekly windows covers completely."""
    cells = set()
    for weekday, start, end in windows:
        first = -(-start // STEP) * STEP  # round up to the next cell
        for minute in range(first, end - STEP + 1, STEP):
            cells.add((weekday, minute))
    return cells


def off_grid(windows: list[tuple[int, int, int]], names: list[str]) -> list[str]:
    """Saved windows that do not start and end on the half hour."""
    return [
        f"{names[w]} {clock_label(s)}-{clock_label(e)}"
        for w, s, e in windows
        if s % STEP or e % STEP
    ]


def build(windows: list[tuple[int, int, int]], *, whole_day: bool = False) -> Grid:
    """The grid for the saved weekly windows; the rows cover them all."""
    names = day_names()
    first, last = (0, DAY_MINUTES) if whole_day else (DEFAULT_FIRST, DEFAULT_LAST)
    for _, start, end in windows:
        first = min(first, start // STEP * STEP)
        last = max(last, -(-end // STEP) * STEP)
    ticked = cells_of(windows)
    rows = []
    for minute in range(first, last, STEP):
        span = f"{clock_label(minute)}–{clock_label(minute + STEP)}"
        cells = [
            Cell(day, minute, (day, minute) in ticked, f"{names[day]} {span}") for day in range(7)
        ]
        rows.append(GridRow(minute, clock_label(minute), cells))
    return Grid(
        days=names,
        short_days=short_day_names(),
        rows=rows,
        first=first,
        last=last,
        whole_day=(first, last) == (0, DAY_MINUTES),
        off_grid=off_grid(windows, names),
    )


def parse_cells(values: list[str]) -> list[tuple[int, int, int]]:
    """Ticked cells (``"0-540"``: Monday 09:00) as weekly windows, neighbours merged.

    :raise ValueError: a value that is not a cell of the grid.
    """
    if len(values) > MAX_CELLS:
        raise ValueError("More cells were sent than the grid has.")
    cells: set[tuple[int, int]] = set()
    for value in values:
        match = _CELL.match(value or "")
        minute = int(match.group(2)) if match else -1
        if not match or minute % STEP or not 0 <= minute < DAY_MINUTES:
            raise ValueError("Some cells were not understood. Reload the page and try again.")
        cells.add((int(match.group(1)), minute))
    windows: list[tuple[int, int, int]] = []
    for weekday, minute in sorted(cells):
        if windows and windows[-1][0] == weekday and windows[-1][2] == minute:
            windows[-1] = (weekday, windows[-1][1], minute + STEP)
        else:
            windows.append((weekday, minute, minute + STEP))
    return windows
