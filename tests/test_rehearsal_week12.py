"""The full profile's rehearsal of week 12 (protein LMs): the dry run on stand-ins of ESM-2, PDB mmCIF and ESM's split.

See ``tests/test_rehearsal.py`` for what a rehearsal checks. Week 12 reads its weights and data through
``utils.proteins`` from ``COURSE_DATA`` (``tests/standins/proteins.py`` says which files), with the course's
``esm2_t33_650M_UR50D``. (The notebook no longer offers the lighter ``esm2_t6_8M_UR50D``: every full expectation
is the 650M's, and the 650M fits a free Colab T4; its rehearsal went with it, issue 26.) The stand-in mmCIF
files hold a HETATM selenomethionine in chain A, which must be read as M for the chain to keep its length.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rehearsal import assert_rehearsal_passes
from tests.standins import proteins

WEEK = "week12_protein_lm"
COURSE_MODEL = 'model_name="esm2_t33_650M_UR50D"'


@pytest.fixture(scope="module")
def protein_standins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in folder with ESM-2 650M, the three PDB structures and the structural split, written once."""
    return proteins.write_week12_proteins(tmp_path_factory.mktemp("standins_proteins"))


def test_week12_full_dry_run_on_standins(protein_standins, tmp_path):
    result = assert_rehearsal_passes(WEEK, protein_standins, tmp_path)
    model_name = COURSE_MODEL.split('"')[1]
    layers = proteins.ESM2_LAYERS[model_name]
    assert f"{model_name}: {layers} layers x {proteins.ESM2_HEADS} heads" in result["outputs"]


def test_week12_offers_no_model_its_expectations_were_not_measured_with():
    import nbformat

    from tests.nbtools import solution_path

    text = "\n".join(c.source for c in nbformat.read(solution_path(WEEK), as_version=4).cells)
    assert "esm2_t6_8M_UR50D" not in text, "the full expectations are ESM-2 650M's: no lighter option without its own"


def test_dry_run_keeps_a_slice_of_the_structural_split(protein_standins, monkeypatch):
    from utils import proteins as course_proteins

    monkeypatch.setenv("COURSE_DATA", str(protein_standins))
    monkeypatch.setenv("COURSE_DRY_RUN", "0")
    whole = len(course_proteins.structural_split("train"))
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    monkeypatch.setattr(course_proteins.esm_data, "dry_run_items", lambda: 3)  # the module that reads it
    cut = course_proteins.structural_split("train")
    assert len(cut) == 3 < whole and cut[2]["seq"]
