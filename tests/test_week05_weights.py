"""Week 5's MoCo v2 checkpoint: what ``utils.moco_v2_checkpoint`` verifies, checked without network.

The file is put in place first (``utils.download_file`` returns early when it exists) and the published MD5 prefix
is monkeypatched to the test file's: a matching file is accepted and its SHA-256 recorded in the ``.sha256`` sidecar,
a file swapped later is rejected by the sidecar, and a file whose MD5 does not match the prefix is rejected.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import utils
import utils.data
import utils.weights as weights

ORIGINAL, SWAPPED = b"stand-in of the MoCo v2 checkpoint", b"another file under the same name"


@pytest.fixture
def checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The checkpoint's path in ``tmp_path``, holding ORIGINAL, with the MD5 prefix set to ORIGINAL's; no network."""
    def offline(url, part, timeout=60.0):
        raise AssertionError(f"the test must not download anything ({url})")

    monkeypatch.setattr(utils.data, "_fetch_to", offline)
    path = tmp_path / weights.MOCO_V2_URL.rsplit("/", 1)[-1]
    path.write_bytes(ORIGINAL)
    monkeypatch.setattr(weights, "MOCO_V2_MD5_PREFIX", hashlib.md5(ORIGINAL).hexdigest()[:8])
    return path


def test_a_matching_md5_is_accepted_and_its_sha256_recorded(checkpoint):
    sidecar = checkpoint.with_name(checkpoint.name + ".sha256")
    assert utils.moco_v2_checkpoint(checkpoint.parent) == checkpoint
    assert sidecar.read_text().split() == [hashlib.sha256(ORIGINAL).hexdigest(), checkpoint.name]
    assert utils.moco_v2_checkpoint(checkpoint.parent) == checkpoint  # the second call checks against the sidecar


def test_a_file_swapped_after_the_first_download_is_rejected(checkpoint, monkeypatch):
    utils.moco_v2_checkpoint(checkpoint.parent)  # records ORIGINAL's SHA-256
    checkpoint.write_bytes(SWAPPED)
    # Even a swapped file that passes the 32-bit MD5 prefix (here: the prefix is made to match) fails the sidecar.
    monkeypatch.setattr(weights, "MOCO_V2_MD5_PREFIX", hashlib.md5(SWAPPED).hexdigest()[:8])
    with pytest.raises(utils.DatasetUnavailableError, match="sha256 .* differs from the one recorded"):
        utils.moco_v2_checkpoint(checkpoint.parent)


def test_a_wrong_md5_is_rejected_and_nothing_is_recorded(checkpoint):
    checkpoint.write_bytes(SWAPPED)  # its MD5 does not start with ORIGINAL's prefix
    with pytest.raises(utils.DatasetUnavailableError, match="does not start with"):
        utils.moco_v2_checkpoint(checkpoint.parent)
    assert not checkpoint.with_name(checkpoint.name + ".sha256").exists()
