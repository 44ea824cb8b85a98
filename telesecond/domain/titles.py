"""Pure rule: a patient's name may not carry a clinician's title.

A patient calling themselves "Dr" next to real specialists misleads other people, so
a patient's full name is refused when it starts with a medical or academic title
(Dr, Dra, Doctor, Prof, Professor, with or without a dot, any case) or ends with the
MD degree ("MD", "M.D."). Only specialists, whose licences an admin checks, use them.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:dr|dra|doctor|prof|professor)(?:\.|\s|$)", re.IGNORECASE)
# "MD" in capitals or dotted ("M.D.", "m.d."); "Md" alone is a common name (Md Rahman).
_SUFFIX = re.compile(r"(?:^|[\s,])(?:MD|[Mm]\.\s?[Dd]\.?)$")

MESSAGE = (
    "Enter your name without a clinician's title (Dr, Doctor, Prof, MD): "
    "only verified specialists use them."
)


def claims_clinician_title(name: str) -> bool:
    """Whether ``name`` starts with Dr/Dra/Doctor/Prof/Professor or ends with MD/M.D."""
    text = " ".join(name.split())
    return bool(_PREFIX.match(text) or _SUFFIX.search(text))
