"""Full data of week 12: fair-esm weights (loaded with weights_only=True) and the SCOPe structural split."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import torch

from ..data import data_root, download_file, dry_run_items, fetching
from ..profiles import is_dry_run

ESM_MODEL_URL = "https://dl.fbaipublicfiles.com/fair-esm/models/{name}.pt"
ESM_REGRESSION_URL = "https://dl.fbaipublicfiles.com/fair-esm/regression/{name}-contact-regression.pt"


def _safe_torch_load(path: Path) -> Any:
    """``torch.load(weights_only=True)``, allowing only ``argparse.Namespace`` (the config class in ESM files)."""
    with torch.serialization.safe_globals([argparse.Namespace]):
        return torch.load(path, map_location="cpu", weights_only=True)


def load_esm_model(name: str = "esm2_t33_650M_UR50D") -> tuple[torch.nn.Module, Any]:
    """Return ``(model, alphabet)`` of a pretrained fair-esm model, weights cached in ``data_root()/esm``.

    Unlike ``esm.pretrained.load_model_and_alphabet`` (torch.hub, unrestricted unpickling), files are
    downloaded through the course's data layer and loaded with ``weights_only=True``.
    """
    import esm

    folder = data_root() / "esm"
    url = ESM_MODEL_URL.format(name=name)
    model_path = download_file(url, folder / f"{name}.pt", dataset=f"ESM weights {name}")
    regression_data = None
    if esm.pretrained._has_regression_weights(name):
        reg_url = ESM_REGRESSION_URL.format(name=name)
        reg_path = download_file(reg_url, folder / f"{name}-contact-regression.pt", dataset=f"ESM contact head {name}")
        with fetching(f"ESM contact head {name}", reg_url, folder, "a loadable fair-esm regression file"):
            regression_data = _safe_torch_load(reg_path)
    with fetching(f"ESM weights {name}", url, folder, "a loadable fair-esm checkpoint (delete a corrupt file to re-download)"):
        model_data = _safe_torch_load(model_path)
    return esm.pretrained.load_model_and_alphabet_core(name, model_data, regression_data)


def structural_split(split: str, split_level: str = "superfamily", cv_partition: str = "4") -> Any:
    """fair-esm's ``ESMStructuralSplitDataset`` (SCOPe 2.07) in ``data_root()/esm``, downloaded once.

    Items are dicts with ``seq`` (str), ``ssp`` (str), ``dist`` ((L, L) C-beta distances, NaN unknown)
    and ``coords``. A dry run keeps the first ``dry_run_items()`` domains of the split.
    """
    from esm.data import ESMStructuralSplitDataset

    root = data_root() / "esm"
    url = ESMStructuralSplitDataset.file_list[1][0]
    expected = "structural-data/splits/ and structural-data/pkl/ (from splits.tar.gz and pkl.tar.gz)"
    with fetching("ESM structural split (SCOPe 2.07)", url, root / "structural-data", expected):
        data = ESMStructuralSplitDataset(split_level, cv_partition, split, root_path=str(root), download=True)
    if is_dry_run():
        data.names = data.names[:dry_run_items()]  # the dataset's length and items follow its list of names
    return data
