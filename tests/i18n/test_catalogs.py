"""The translation catalogs are complete, and the template is up to date with the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from telesecond import catalogs
from telesecond.catalogs import POT, msgids, problems, shipped_catalogs

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, catalog: Catalog) -> Path:
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


@pytest.fixture
def crafted(tmp_path):
    """A three-message template, and a catalog that translates all of it."""
    template = Catalog()
    template.add("Sign in")
    template.add("Hello %(name)s,", flags=("python-format",))
    template.add(("%(num)d code left.", "%(num)d codes left."))
    translated = Catalog(locale="es")
    translated.add("Sign in", "Iniciar sesión")
    translated.add("Hello %(name)s,", "Hola, %(name)s:")
    translated.add(
        ("%(num)d code left.", "%(num)d codes left."),
        ("Queda %(num)d código.", "Quedan %(num)d códigos.", "Quedan %(num)d códigos."),
    )
    return _write(tmp_path / "messages.pot", template), translated, tmp_path / "messages.po"


def test_a_complete_crafted_catalog_passes(crafted) -> None:
    pot, translated, po = crafted
    assert problems(pot, _write(po, translated)) == []


def test_an_untranslated_message_fails(crafted) -> None:
    pot, translated, po = crafted
    translated["Sign in"].string = ""
    assert problems(pot, _write(po, translated)) == [f"{po}: untranslated 'Sign in'"]


def test_a_fuzzy_message_fails(crafted) -> None:
    pot, translated, po = crafted
    translated["Hello %(name)s,"].flags.add("fuzzy")
    assert problems(pot, _write(po, translated)) == [f"{po}: fuzzy 'Hello %(name)s,'"]


def test_a_missing_or_half_translated_plural_fails(crafted) -> None:
    pot, translated, po = crafted
    translated.delete("Sign in")
    translated["%(num)d code left."].string = ("Queda %(num)d código.", "", "")
    assert sorted(problems(pot, _write(po, translated))) == [
        f"{po}: missing 'Sign in'",
        f"{po}: untranslated plural '%(num)d code left.'",
    ]


def test_a_message_the_template_dropped_fails(crafted) -> None:
    pot, translated, po = crafted
    translated.add("Log out", "Cerrar sesión")
    assert problems(pot, _write(po, translated)) == [
        f"{po}: not in the template (obsolete) 'Log out'"
    ]


def test_the_check_covers_every_language_directory(crafted, tmp_path) -> None:
    pot, translated, _ = crafted
    for language in ("es", "hi"):
        (tmp_path / language / "LC_MESSAGES").mkdir(parents=True)
    _write(tmp_path / "es/LC_MESSAGES/messages.po", translated)
    translated["Sign in"].string = ""
    hindi = _write(tmp_path / "hi/LC_MESSAGES/messages.po", translated)
    assert catalogs.check(pot, tmp_path) == [f"{hindi}: untranslated 'Sign in'"]


def test_every_shipped_language_has_a_complete_catalog(app) -> None:
    shipped = {p.parent.parent.name for p in shipped_catalogs()}
    # Every language but the one the sources are written in has a catalog.
    assert shipped == set(app.config["LANGUAGES"]) - {"en"}
    assert catalogs.check() == []


def test_the_template_is_up_to_date_with_the_sources(tmp_path) -> None:
    fresh = tmp_path / "fresh.pot"
    command = [
        sys.executable,
        "-m",
        "babel.messages.frontend",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "-o",
        str(fresh),
        ".",
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with fresh.open("rb") as handle:
        extracted = msgids(read_po(handle))
    with POT.open("rb") as handle:
        committed = msgids(read_po(handle))
    assert extracted - committed == set(), "wrapped but not in messages.pot: run `make messages`"
    assert committed - extracted == set(), "in messages.pot but no longer used: `make messages`"


def test_compiled_catalogs_are_fresh() -> None:
    for po in shipped_catalogs():
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
