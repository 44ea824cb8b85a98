"""A patient's name may not carry a clinician's title."""

from __future__ import annotations

import pytest

from telesecond.domain.titles import claims_clinician_title


@pytest.mark.parametrize(
    "name",
    [
        "Dr Jane Roe",
        "dr. jane roe",
        "DR.Jane Roe",
        "Dra. Maria López",
        "Doctor Who",
        "Prof Ada Byron",
        "prof. Ada Byron",
        "Professor Plum",
        "Jane Roe MD",
        "Jane Roe, M.D.",
        "Jane Roe M.D",
        "  Dr   Jane  ",
    ],
)
def test_titles_are_refused(name):
    assert claims_clinician_title(name)


@pytest.mark.parametrize(
    "name",
    [
        "Drake Bell",
        "Dražen Petrović",
        "Proffitt Jones",
        "Andrew Md",
        "Ahmed Ali",
        "Mdina Grey",
        "Doctorow Cory",
        "Jane Roe",
    ],
)
def test_ordinary_names_pass(name):
    assert not claims_clinician_title(name)
