"""The translation catalogs: compile them, and check that they are complete.

``telesecond/translations/messages.pot`` holds every message the sources mark for
translation (``pybabel extract``, see README "Languages"); each shipped language has its
``<lang>/LC_MESSAGES/messages.po``. The compiled ``.mo`` files are built, not committed:
``make run`` and ``make test`` compile them (``python -m telesecond.catalogs compile``),
and so does the test session.

A catalog is complete when every message of the .pot has a translation that is not
fuzzy, every plural form is filled, and it holds no message the .pot no longer has.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
POT = TRANSLATIONS / "messages.pot"
DOMAIN = "messages"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _key(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else str(message_id)


def msgids(catalog: Catalog) -> set[str]:
    """The singular msgids of a catalog (the header aside)."""
    return {_key(m.id) for m in catalog if m.id}


def problems(pot: Path, po: Path) -> list[str]:
    """What keeps ``po`` from being a complete translation of ``pot`` (empty: complete)."""
    template = _read(pot)
    catalog = _read(po)
    found: list[str] = []
    translated = {_key(m.id): m for m in catalog if m.id}
    for message in template:
        if not message.id:
            continue
        key = _key(message.id)
        entry = translated.get(key)
        if entry is None:
            found.append(f"{po}: missing {key!r}")
        elif entry.fuzzy:
            found.append(f"{po}: fuzzy {key!r}")
        elif isinstance(entry.string, tuple | list):
            if not all(entry.string) or len(entry.string) < catalog.num_plurals:
                found.append(f"{po}: untranslated plural {key!r}")
        elif not entry.string:
            found.append(f"{po}: untranslated {key!r}")
    for key in sorted(set(translated) - msgids(template)):
        found.append(f"{po}: not in the template (obsolete) {key!r}")
    return found


def shipped_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/messages.po`` under ``directory``."""
    return sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def check(pot: Path = POT, directory: Path = TRANSLATIONS) -> list[str]:
    """What keeps any catalog under ``directory`` from being complete (empty: all are)."""
    return [found for po in shipped_catalogs(directory) for found in problems(pot, po)]


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Write each catalog's ``.mo`` next to it when missing or older; return those written."""
    written = []
    for po in shipped_catalogs(directory):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = _read(po, locale=po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    """``compile``: build the .mo files; ``check``: list what is missing, exit 1 if any."""
    command = argv[0] if argv else "check"
    if command == "compile":
        for mo in compile_catalogs():
            print(f"compiled {mo.relative_to(TRANSLATIONS.parent.parent)}")
        return 0
    if command == "check":
        found = check()
        print("\n".join(found) or "every catalog is complete")
        return 1 if found else 0
    print("usage: python -m telesecond.catalogs compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
