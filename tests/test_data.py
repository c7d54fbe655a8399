"""Tests for the data layer: offline smoke data and the clear error when a download fails."""
import urllib.request

import numpy as np
import pytest
import torch
import torchvision.transforms as T

import utils
from utils.data import DigitsImages, digits_split_indices


def test_digits_splits_are_disjoint_and_stratified():
    train, val, test = (set(digits_split_indices(s)) for s in ("train", "val", "test"))
    assert not (train & val or train & test or val & test)
    assert len(train) + len(val) + len(test) == 1797
    assert set(digits_split_indices("unlabeled")) == train | val
    labels = DigitsImages("test", size=8).targets
    assert np.bincount(labels).min() >= 40  # every class present in the test split


@pytest.mark.parametrize("name,size,channels", [("stl10", 96, 3), ("cifar100", 32, 3), ("pathmnist", 28, 3)])
def test_smoke_dataset_serves_requested_shape_and_range(monkeypatch, name, size, channels):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    ds = utils.image_dataset(name, "test", T.ToTensor())
    x, y = ds[0]
    assert x.shape == (channels, size, size) and x.dtype == torch.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and x.max() > 0.5
    assert isinstance(y, int) and 0 <= y < 10 and len(ds.classes) == 10


def test_smoke_unlabeled_split_has_no_labels(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    ds = utils.image_dataset("stl10", "unlabeled", size=16)
    assert set(ds.targets.tolist()) == {-1} and ds[0][0].size == (16, 16)


def test_unknown_dataset_and_split_are_rejected():
    with pytest.raises(ValueError, match="unknown dataset"):
        utils.image_dataset("imagenet", "train", profile="smoke")
    with pytest.raises(ValueError, match="no split"):
        utils.image_dataset("cifar10", "unlabeled", profile="smoke")


def _offline(*args, **kwargs):
    raise urllib.error.URLError("[Errno -2] Name or service not known")


@pytest.mark.parametrize("name,url_part", [("stl10", "stl10_binary.tar.gz"), ("cifar100", "cifar-100-python"),
                                           ("pathmnist", "pathmnist.npz")])
def test_offline_download_raises_clear_error(tmp_path, monkeypatch, name, url_part):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", _offline)
    with pytest.raises(utils.DatasetUnavailableError) as err:
        utils.image_dataset(name, "train", profile="full")
    message = str(err.value)
    assert name.upper() in message and url_part in message and str(tmp_path) in message
    assert "COURSE_DATA" in message and "COURSE_PROFILE=smoke" in message
    assert err.value.__cause__ is None and err.value.__suppress_context__, "no chained URLError traceback"


def test_download_file_checksum_and_local_first(tmp_path, monkeypatch):
    payload = b"course weights"
    src = tmp_path / "src.bin"
    src.write_bytes(payload)
    url = src.as_uri()
    good = "0f8a0cbbd2e1d4f38cbb8a8a8c7cb6b8a53a1bc7d9b9a0a4c3fd41a5b8f6d4f8"  # wrong on purpose below
    dest = tmp_path / "out" / "w.bin"
    with pytest.raises(utils.DatasetUnavailableError, match="checksum mismatch"):
        utils.download_file(url, dest, dataset="toy", sha256=good)
    assert not dest.exists() and not list(dest.parent.glob("*.part"))
    import hashlib
    digest = hashlib.sha256(payload).hexdigest()
    assert utils.download_file(url, dest, dataset="toy", sha256=digest).read_bytes() == payload
    monkeypatch.setattr(urllib.request, "urlopen", _offline)  # present and verified: no network needed
    assert utils.download_file(url, dest, dataset="toy", sha256=digest) == dest


def test_dataset_to_tensors_stacks_everything(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    x, y = utils.dataset_to_tensors(utils.image_dataset("cifar10", "test", T.ToTensor(), size=8))
    assert x.shape == (450, 3, 8, 8) and y.shape == (450,)


def test_cluttered_images_are_deterministic_and_keep_the_object():
    import torch
    from utils import ClutteredImages
    base = [(torch.ones(3, 32, 32), 7), (torch.zeros(3, 32, 32), 1)]
    ds = ClutteredImages(base, seed=3, object_size=24, clutter=0.4)
    x, y = ds[0]
    assert x.shape == (3, 32, 32) and y == 7 and len(ds) == 2
    assert torch.equal(x, ds[0][0]), "background and position are fixed per item"
    assert not torch.equal(ds[1][0], ClutteredImages(base, seed=4)[1][0]), "another seed, another clutter"
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert (x == 1.0).all(0).sum() == 24 * 24, "the white object covers exactly a 24x24 window"
    assert ds[1][0].max() <= 0.4 + 1e-6, "a black object leaves only the clutter, at most `clutter` bright"


def test_noisy_images_are_deterministic_with_the_asked_noise():
    import torch
    from utils import NoisyImages
    base = [(torch.full((3, 32, 32), 0.5), 7), (torch.full((3, 32, 32), 0.5), 1)]
    ds = NoisyImages(base, seed=3, std=0.1)
    x, y = ds[0]
    assert x.shape == (3, 32, 32) and y == 7 and len(ds) == 2
    assert torch.equal(x, ds[0][0]), "the noise is fixed per item"
    assert not torch.equal(x, ds[1][0]), "another item, other noise"
    assert not torch.equal(ds[1][0], NoisyImages(base, seed=4, std=0.1)[1][0]), "another seed, other noise"
    assert abs((x - 0.5).std().item() - 0.1) < 0.01 and abs((x - 0.5).mean().item()) < 0.01
    assert torch.equal(NoisyImages(base, seed=3, std=0.0)[0][0], base[0][0]), "std 0 leaves the image as it is"
    assert 0.0 <= NoisyImages(base, seed=0, std=2.0)[0][0].min() and NoisyImages(base, seed=0, std=2.0)[0][0].max() <= 1.0


def test_texture_images_are_deterministic_balanced_tiles(monkeypatch):
    from utils.data import tissue_dataset
    from utils.generators import TEXTURE_NAMES, TextureImages
    ds = TextureImages("test", per_class=4, transform=T.PILToTensor())
    x, y = ds[0]
    assert len(ds) == 4 * len(TEXTURE_NAMES) == 36 and x.shape == (3, 28, 28) and x.dtype == torch.uint8
    assert np.bincount(ds.targets).tolist() == [4] * 9 and isinstance(y, int) and ds.classes == TEXTURE_NAMES
    assert torch.equal(x, TextureImages("test", per_class=4, transform=T.PILToTensor())[0][0]), "fixed per split"
    assert not torch.equal(x, TextureImages("train", per_class=4, transform=T.PILToTensor())[0][0])
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    smoke = tissue_dataset("train")
    assert isinstance(smoke, TextureImages) and len(smoke) == 128 * 9 and smoke[0][0].size == (28, 28)


def test_download_file_resumes_a_dropped_transfer_and_verifies(tmp_path):
    """A local server cuts the first transfer half-way; the download resumes with an HTTP Range request."""
    import hashlib
    import http.server
    import threading

    payload = bytes(range(256)) * 4096  # 1 MiB
    requests: list[str | None] = []

    class Flaky(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            first = self.headers.get("Range")
            requests.append(first)
            start = int(first.split("=")[1].rstrip("-")) if first else 0
            self.send_response(206 if first else 200)
            self.send_header("Content-Length", str(len(payload) - start))
            self.end_headers()
            body = payload[start:]
            self.wfile.write(body[: len(body) // 2] if len(requests) == 1 else body)  # the first one drops

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url, dest = f"http://127.0.0.1:{server.server_port}/w.bin", tmp_path / "w.bin"
    try:
        digest = hashlib.sha256(payload).hexdigest()
        with pytest.raises(utils.DatasetUnavailableError, match="transfer ended early|IncompleteRead"):
            utils.download_file(url, dest, dataset="toy", sha256=digest, attempts=1)
        assert not dest.exists() and (tmp_path / "w.bin.part").stat().st_size == len(payload) // 2
        assert utils.download_file(url, dest, dataset="toy", sha256=digest).read_bytes() == payload
        assert requests == [None, f"bytes={len(payload) // 2}-"] and not (tmp_path / "w.bin.part").exists()
        dest.unlink()
        with pytest.raises(utils.DatasetUnavailableError, match="checksum mismatch") as err:
            utils.download_file(url, dest, dataset="toy", sha256="0" * 64)
        assert str(tmp_path) in str(err.value) and not list(tmp_path.glob("w.bin*"))
    finally:
        server.shutdown()


def test_file_digests_match_hashlib_in_one_pass(tmp_path):
    import hashlib
    path = tmp_path / "blob.bin"
    payload = bytes(range(256)) * 5000  # over one 1 MiB chunk
    path.write_bytes(payload)
    digests = utils.file_digests(path, ("md5", "sha256"), chunk_size=1 << 20)
    assert digests == {"md5": hashlib.md5(payload).hexdigest(), "sha256": hashlib.sha256(payload).hexdigest()}
    assert utils.data.sha256sum(path) == digests["sha256"]
