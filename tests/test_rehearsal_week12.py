"""The full profile's rehearsal of week 12 (protein LMs): the dry run on stand-ins of ESM-2, PDB mmCIF and ESM's split.

See ``tests/test_rehearsal.py`` for what a rehearsal checks. Week 12 reads its weights and data through
``utils.proteins`` from ``COURSE_DATA`` (``tests/standins/proteins.py`` says which files). It runs twice: with
the course's ``esm2_t33_650M_UR50D`` and with the lighter ``esm2_t6_8M_UR50D`` the notebook offers for a free
Colab GPU, whose 6 layers are fewer than the contact head's ``last_n_layers`` (10).
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
    """A stand-in folder with both ESM-2 models, the three PDB structures and the structural split, written once."""
    return proteins.write_week12_proteins(tmp_path_factory.mktemp("standins_proteins"))


@pytest.mark.parametrize("model_name", ["esm2_t33_650M_UR50D", "esm2_t6_8M_UR50D"])
def test_week12_full_dry_run_on_standins(model_name, protein_standins, tmp_path):
    substitutions = {COURSE_MODEL: f'model_name="{model_name}"'} if model_name not in COURSE_MODEL else None
    result = assert_rehearsal_passes(WEEK, protein_standins, tmp_path, substitutions=substitutions)
    layers = proteins.ESM2_LAYERS[model_name]
    assert f"{model_name}: {layers} layers x {proteins.ESM2_HEADS} heads" in result["outputs"]


def test_week12_switching_model_keeps_each_contact_head(protein_standins, tmp_path):
    # A full run resumes its contact head (cfg.resume); the 8M model's head (120 channels) must not load the
    # 650M model's (200), so each model keeps its own checkpoints.
    assert_rehearsal_passes(WEEK, protein_standins, tmp_path / "650M")
    light = {COURSE_MODEL: 'model_name="esm2_t6_8M_UR50D"'}
    assert_rehearsal_passes(WEEK, protein_standins, tmp_path / "8M", fresh=False, substitutions=light)


def test_dry_run_keeps_a_slice_of_the_structural_split(protein_standins, monkeypatch):
    from utils import proteins as course_proteins

    monkeypatch.setenv("COURSE_DATA", str(protein_standins))
    monkeypatch.setenv("COURSE_DRY_RUN", "0")
    whole = len(course_proteins.structural_split("train"))
    monkeypatch.setenv("COURSE_DRY_RUN", "1")
    monkeypatch.setattr(course_proteins.esm_data, "dry_run_items", lambda: 3)  # the module that reads it
    cut = course_proteins.structural_split("train")
    assert len(cut) == 3 < whole and cut[2]["seq"]
