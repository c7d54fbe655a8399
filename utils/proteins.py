"""Protein data for week 12: synthetic co-varying families, PDB contacts, ESM weights and splits, contact metrics.

* ``smoke``: :func:`synthetic_families` generates protein families offline, with planted pairs of
  positions whose residues co-vary (the toy version of co-evolution), and their contact maps.
* ``full``: :func:`load_esm_model` (fair-esm weights, loaded with ``weights_only=True``),
  :func:`pdb_contacts` (mmCIF from RCSB parsed with biotite, virtual C-beta contacts < 8 A) and
  :func:`structural_split` (fair-esm's SCOPe structural split), all through the course's data layer,
  so that offline runs fail with one clear :class:`~utils.data.DatasetUnavailableError`.
* :func:`contact_precisions` / :func:`evaluate_contacts`: AUC, P@L, P@L/2, P@L/5 by sequence
  separation, as in fair-esm's contact-prediction example.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .data import data_root, download_file, dry_run_items, fetching
from .profiles import is_dry_run

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
# Complementary residue pairs (an involution): the residue at one end of a planted pair fixes the other.
COMPLEMENT = {"K": "E", "E": "K", "R": "D", "D": "R", "F": "W", "W": "F", "S": "G", "G": "S"}
BACKGROUND = "".join(a for a in AMINO_ACIDS if a not in COMPLEMENT)
CONTACT_RANGES = (("local", 3, 6), ("short", 6, 12), ("medium", 12, 24), ("long", 24, None))


# --------------------------------------------------------------------------------------------
# Smoke data: synthetic protein families with planted co-varying pairs
# --------------------------------------------------------------------------------------------
@dataclass
class ProteinFamily:
    """One synthetic family: ancestor, member sequences, planted pairs and their (L, L) 0/1 contact map."""

    name: str
    ancestor: str
    sequences: list[str]
    pairs: list[tuple[int, int]]
    contacts: np.ndarray = field(repr=False)


def _plant_pairs(rng: np.random.Generator, length: int, n_pairs: int, strand: int, min_separation: int,
                 long_fraction: float, separations: tuple[int, ...] | None) -> list[tuple[int, int]]:
    """Pick disjoint pairs as short parallel 'strands' of ``strand`` pairs (i + k, j + k)."""
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for _ in range(10_000):
        if len(pairs) >= n_pairs:
            break
        width = min(strand, n_pairs - len(pairs))
        long = rng.random() < long_fraction
        lo, hi = (24, length - width) if long else (min_separation, 24)
        if hi <= lo:
            continue
        sep = int(rng.choice(separations)) if separations else int(rng.integers(lo, hi))
        i = int(rng.integers(0, length - sep - width + 1)) if length - sep - width + 1 > 0 else -1
        if i < 0:
            continue
        block = {i + k for k in range(width)} | {i + sep + k for k in range(width)}
        if block & used or len(block) < 2 * width:
            continue
        pairs += [(i + k, i + sep + k) for k in range(width)]
        used |= block
    if len(pairs) < n_pairs:
        raise ValueError(f"could not place {n_pairs} disjoint pairs in length {length}; use fewer pairs")
    return sorted(pairs)


def synthetic_families(n_families: int = 4, n_members: int = 200, length: int = 48, n_pairs: int = 12,
                       mutation_rate: float = 0.1, strand: int = 4, min_separation: int = 6,
                       long_fraction: float = 0.75, separations: tuple[int, ...] | None = None,
                       seed: int = 0) -> list[ProteinFamily]:
    """Generate protein families whose contacts are planted pairs of co-varying positions.

    Each family has a random ancestral sequence over the 12 ``BACKGROUND`` residues; every member
    copies it with ``mutation_rate`` random substitutions. ``n_pairs`` disjoint position pairs
    (i, j) are planted as short parallel strands of ``strand`` pairs (i + k, j + k), mostly long range
    (``long_fraction`` with |i - j| >= 24, the rest in [min_separation, 24); or drawn from
    ``separations`` when given). In every member the
    residue at i is drawn from the 8 ``COMPLEMENT`` residues and j gets its complement, so i alone
    looks random but i and j co-vary perfectly: exactly the signal co-evolution methods use.
    The family's contact map is 1 at the planted pairs (symmetric) and 0 elsewhere.
    """
    rng = np.random.default_rng(seed)
    background, pair_residues = np.array(list(BACKGROUND)), np.array(list(COMPLEMENT))
    families = []
    for f in range(n_families):
        ancestor = rng.choice(background, length)
        pairs = _plant_pairs(rng, length, n_pairs, strand, min_separation, long_fraction, separations)
        first, second = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        members = np.repeat(ancestor[None], n_members, axis=0)
        mutate = rng.random(members.shape) < mutation_rate
        members[mutate] = rng.choice(background, int(mutate.sum()))
        picks = rng.choice(pair_residues, (n_members, len(pairs)))
        members[:, first] = picks
        members[:, second] = np.vectorize(COMPLEMENT.get)(picks)
        contacts = np.zeros((length, length), dtype=np.int64)
        contacts[first, second] = contacts[second, first] = 1
        families.append(ProteinFamily(f"family{f}", "".join(ancestor), ["".join(m) for m in members],
                                      pairs, contacts))
    return families


# --------------------------------------------------------------------------------------------
# Contact-precision metrics (as in fair-esm's examples/contact_prediction.ipynb)
# --------------------------------------------------------------------------------------------
def contact_precisions(predictions: Any, targets: Any, min_sep: int = 6, max_sep: int | None = None,
                       override_length: int | None = None) -> dict[str, float]:
    """AUC, P@L, P@L2, P@L5 of one (L, L) contact prediction against 0/1 targets (-1 = unknown).

    Pairs i < j with ``min_sep <= j - i < max_sep`` and a known target are ranked by prediction;
    P@L/k is the fraction of true contacts among the top L/k, with L the number of residues whose
    first-row target is known (fair-esm's ``override_length`` convention; pass it to change).
    AUC is the mean precision over the top L/10, 2L/10, ..., L (fair-esm's definition). When fewer
    than L pairs are valid, the missing ranks count as misses (fair-esm would count invalid pairs).
    """
    pred = torch.as_tensor(np.asarray(predictions, dtype=np.float64)).clone()
    targ = torch.as_tensor(np.asarray(targets)).long()
    if pred.shape != targ.shape or pred.dim() != 2 or pred.shape[0] != pred.shape[1]:
        raise ValueError(f"predictions {tuple(pred.shape)} and targets {tuple(targ.shape)} must both be (L, L)")
    seqlen = pred.shape[0]
    length = int((targ[0] >= 0).sum()) if override_length is None else int(override_length)
    idx = torch.arange(seqlen)
    sep = idx[None, :] - idx[:, None]
    valid = (sep >= min_sep) & (targ >= 0)
    if max_sep is not None:
        valid &= sep < max_sep
    pred[~valid] = float("-inf")
    rows, cols = np.triu_indices(seqlen, min_sep)
    scores = pred[rows, cols]
    truth = torch.where(valid[rows, cols], targ[rows, cols], torch.zeros_like(targ[rows, cols]))  # invalid = miss
    topk = max(seqlen, length)
    top = truth[scores.argsort(descending=True, stable=True)[:topk]]
    if len(top) < topk:
        top = torch.cat([top, top.new_zeros(topk - len(top))])
    cumulative = top.double().cumsum(0)
    cut = (torch.arange(1, 11, dtype=torch.float64) / 10 * length).long() - 1
    cut = cut.clamp(min=0)
    binned = cumulative[cut] / (cut + 1).double()
    return {"AUC": float(binned.mean()), "P@L": float(binned[9]), "P@L2": float(binned[4]),
            "P@L5": float(binned[1])}


def evaluate_contacts(predictions: Any, targets: Any) -> dict[str, float]:
    """:func:`contact_precisions` for the local [3,6), short [6,12), medium [12,24), long [24,inf) ranges.

    Keys are ``"{range}_{metric}"``, e.g. ``"long_P@L"``.
    """
    out = {}
    for name, lo, hi in CONTACT_RANGES:
        for key, value in contact_precisions(predictions, targets, lo, hi).items():
            out[f"{name}_{key}"] = value
    return out


def random_precision(targets: Any, min_sep: int = 6, max_sep: int | None = None) -> float:
    """Expected precision of a random ranking: the density of true contacts among the ranked pairs."""
    targ = np.asarray(targets)
    sep = np.arange(len(targ))[None, :] - np.arange(len(targ))[:, None]
    valid = (sep >= min_sep) & (targ >= 0) & (True if max_sep is None else sep < max_sep)
    return float((targ[valid] == 1).mean()) if valid.any() else float("nan")


# --------------------------------------------------------------------------------------------
# Full data: PDB structures -> sequence and C-beta contacts (parsed with biotite)
# --------------------------------------------------------------------------------------------
PDB_URL = "https://files.rcsb.org/download/{pdb_id}.cif"


def virtual_cbeta(n: np.ndarray, ca: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Ideal C-beta positions from backbone N, CA, C (the formula of trRosetta / fair-esm's example)."""
    b, cc = ca - n, c - ca
    a = np.cross(b, cc)
    return -0.58273431 * a + 0.56802827 * b - 0.54067466 * cc + ca


def structure_contacts(atoms: Any, chain: str = "A", threshold: float = 8.0) -> tuple[str, np.ndarray]:
    """Sequence and (L, L) contact map (1 if C-beta distance < ``threshold`` A, -1 if unknown) of a chain.

    ``atoms`` is a biotite ``AtomArray`` (one model). Only standard amino acids of ``chain`` count;
    a residue lacking N, CA or C gets -1 contacts.
    """
    import biotite.structure as struc
    from biotite.sequence import ProteinSequence

    atoms = atoms[(atoms.chain_id == chain) & struc.filter_amino_acids(atoms) & ~atoms.hetero]
    if len(atoms) == 0:
        raise ValueError(f"structure has no amino acids in chain {chain!r}")
    starts = struc.get_residue_starts(atoms)
    letters, backbone = [], np.full((len(starts), 3, 3), np.nan)
    for r, (start, stop) in enumerate(zip(starts, list(starts[1:]) + [len(atoms)])):
        residue = atoms[start:stop]
        try:
            letters.append(ProteinSequence.convert_letter_3to1(residue.res_name[0]))
        except KeyError:
            letters.append("X")
        for a, name in enumerate(("N", "CA", "C")):
            hit = residue.coord[residue.atom_name == name]
            if len(hit):
                backbone[r, a] = hit[0]
    cb = virtual_cbeta(backbone[:, 0], backbone[:, 1], backbone[:, 2])
    dist = np.sqrt(((cb[:, None, :] - cb[None, :, :]) ** 2).sum(-1))
    contacts = (dist < threshold).astype(np.int64)
    contacts[np.isnan(dist)] = -1
    return "".join(letters), contacts


def pdb_contacts(pdb_id: str, chain: str = "A", threshold: float = 8.0) -> tuple[str, np.ndarray]:
    """Download ``{pdb_id}.cif`` from RCSB into ``data_root()/pdb`` (once) and return its chain's sequence and contacts."""
    import biotite.structure.io.pdbx as pdbx

    url = PDB_URL.format(pdb_id=pdb_id.lower())
    path = download_file(url, data_root() / "pdb" / f"{pdb_id.lower()}.cif", dataset=f"PDB {pdb_id}")
    atoms = pdbx.get_structure(pdbx.CIFFile.read(str(path)), model=1)
    return structure_contacts(atoms, chain, threshold)


# --------------------------------------------------------------------------------------------
# Full data: fair-esm weights (loaded safely) and the SCOPe structural split
# --------------------------------------------------------------------------------------------
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


__all__ = ["AMINO_ACIDS", "BACKGROUND", "COMPLEMENT", "CONTACT_RANGES", "ProteinFamily", "contact_precisions",
           "evaluate_contacts", "load_esm_model", "pdb_contacts", "random_precision", "structural_split",
           "structure_contacts", "synthetic_families", "virtual_cbeta"]
