"""The full profile's rehearsal of week 3 (BERT): the dry run on stand-ins of IMDb, SST-2 and bert-base-uncased.

See ``tests/test_rehearsal.py`` for what a rehearsal checks. Week 3 reads its data through ``datasets`` and
``transformers`` offline (``tests/standins/text.py`` says which files those find); besides, a dry run must
leave nothing behind that a real run would read, such as the tokenised-corpus cache in ``week03_bert/checkpoints/full/tokenised``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.nbtools import REPO_ROOT
from tests.rehearsal import assert_rehearsal_passes
from tests.standins import text

WEEK = "week03_bert"


@pytest.fixture(scope="module")
def text_standins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in folder with IMDb, SST-2 and the bert-base-uncased tokeniser, written once for this module."""
    return text.write_week03_text(tmp_path_factory.mktemp("standins_text"))


def _cache_files() -> dict[str, int]:
    """The week's tokenised-corpus cache files (a real full run's) and their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in (REPO_ROOT / WEEK / "checkpoints" / "full" / "tokenised").glob("*")}


def test_week03_full_dry_run_on_standins(text_standins, tmp_path):
    before = _cache_files()
    result = assert_rehearsal_passes(WEEK, text_standins, tmp_path)
    assert "bert-base-uncased: vocabulary 30522, [PAD]=0 [CLS]=101 [SEP]=102 [MASK]=103" in result["outputs"]
    assert _cache_files() == before, "the dry run wrote to the tokenised-corpus cache a real full run reads"
