"""Opinions published before signing existed count as signed by their author at their last
save: the migration fills in who, when and the digest of that content."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations

from telesecond.domain.opinion_rules import opinion_document, sha256_hex
from telesecond.extensions import db
from telesecond.models import Opinion
from tests.opinions.scenario import QUESTIONS

MIGRATION = Path(__file__).parents[2] / "migrations/versions/2f07381a59f6_opinion_signing.py"


def _migration():
    spec = importlib.util.spec_from_file_location("opinion_signing", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_opinion_saved_before_the_upgrade_is_signed_by_its_author(consultation, clock):
    saved_at = clock() + timedelta(days=1, microseconds=250_000)
    pairs = [{"question": q, "answer": f"Answer {n}."} for n, q in enumerate(QUESTIONS, 1)]
    db.session.add(
        Opinion(
            consultation_id=consultation.id,
            specialist_id=consultation.specialist_id,
            diagnosis_assessment="agrees",
            summary="Written before signatures.",
            answers=pairs,
            recommendations="",
            created_at=clock(),
            updated_at=saved_at,
        )
    )
    db.session.commit()

    migration = _migration()
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        migration._sign_existing_opinions()

    db.session.expire_all()
    opinion = db.session.get(Opinion, consultation.id)
    assert opinion.signed_by_id == consultation.specialist_id
    assert opinion.signed_at == saved_at.replace(microsecond=0)
    assert opinion.digest == sha256_hex(
        opinion_document(
            consultation_id=consultation.id,
            diagnosis_assessment="agrees",
            summary="Written before signatures.",
            answers=pairs,
            recommendations="",
            signed_by_id=consultation.specialist_id,
            signed_at=saved_at.replace(microsecond=0),
        )
    )
