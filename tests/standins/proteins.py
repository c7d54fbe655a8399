"""Miniature stand-ins of the protein week's weights and data, in the files a real download leaves (tests only).

Random content, few items, short chains; the folders are the ones ``utils.proteins`` reads under
``root`` = ``COURSE_DATA`` (it downloads through ``utils.download_file``, never through torch hub):

* ``root/esm/<name>.pt`` and ``root/esm/<name>-contact-regression.pt``: fair-esm's released ESM-2
  checkpoint and contact-regression files (``dl.fbaipublicfiles.com/fair-esm/{models,regression}/``) for
  ``esm2_t33_650M_UR50D`` (33 layers, the real 20 heads) with a 40-wide embedding (head dimension 2), read by
  ``esm.pretrained.load_model_and_alphabet_core``; ``write_esm2`` also writes ``esm2_t6_8M_UR50D`` (6 layers) on
  request, though the notebook no longer offers it.
* ``root/pdb/<id>.cif``: RCSB mmCIF files (``files.rcsb.org/download/<id>.cif``) of 1a3a, 5ahw and 1xcr, an
  ``atom_site`` table as biotite's pdbx reader parses it: chain A with N, CA, C, O (and CB except for glycine),
  a selenomethionine (``MSE``, a HETATM record inside the chain, as in Se-Met crystal structures), a residue
  missing its N, waters as HETATM outside the polymer (``label_seq_id`` ``.``), and a short chain B.
* ``root/esm/structural-data/``: fair-esm's SCOPe structural split as ``ESMStructuralSplitDataset`` reads it
  once ``splits.tar.gz`` and ``pkl.tar.gz`` are unpacked: ``splits/superfamily/4/{train,valid}.txt`` (one SCOPe
  domain id a line) and ``pkl/<id[1:3]>/<id>.pkl`` (a pickled dict ``seq``, ``ssp``, ``dist``, ``coords``).
"""
from __future__ import annotations

import pickle
from argparse import Namespace
from pathlib import Path

import numpy as np
import torch

ESM2_LAYERS = {"esm2_t33_650M_UR50D": 33, "esm2_t6_8M_UR50D": 6}
WEEK12_MODELS = ("esm2_t33_650M_UR50D",)  # what the notebook reads
ESM2_HEADS = 20  # as released; the embedding is shrunk instead (head dimension 2)
STANDIN_EMBED_DIM = 40  # released: 1280 (650M) and 320 (8M)
PDB_LENGTHS = {"1a3a": 145, "5ahw": 125, "1xcr": 313}  # chain A residues, as in the course's sequences
MSE_POSITION = 2  # 0-based index of chain A's selenomethionine (written as HETATM MSE, read as M)
AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"  # characters of a PDB id after its leading digit


def _released_state_dict(model: torch.nn.Module) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """Split an ``ESM2`` state dict into the released checkpoint's ``model`` and the regression file's ``model``.

    Inverts fair-esm's ``_load_model_and_alphabet_core_v2.upgrade_state_dict`` (which strips the prefixes
    ``encoder.sentence_encoder.`` and ``encoder.``): the LM head lives under ``encoder.lm_head.``, everything
    else under ``encoder.sentence_encoder.``; the contact head is only in the regression file.
    """
    checkpoint, regression = {}, {}
    for key, value in model.state_dict().items():
        if key.startswith("contact_head."):
            regression[key] = value
        elif key.startswith("lm_head."):
            checkpoint[f"encoder.{key}"] = value
        else:
            checkpoint[f"encoder.sentence_encoder.{key}"] = value
    return checkpoint, regression


def write_esm2(root: Path, name: str, embed_dim: int = STANDIN_EMBED_DIM, seed: int = 0) -> Path:
    """``root/esm/<name>.pt`` (``{"cfg": {"model": Namespace}, "model": ...}``) and ``<name>-contact-regression.pt``."""
    import esm

    torch.manual_seed(seed)
    layers = ESM2_LAYERS[name]
    alphabet = esm.data.Alphabet.from_architecture("ESM-1b")
    model = esm.model.esm2.ESM2(num_layers=layers, embed_dim=embed_dim, attention_heads=ESM2_HEADS,
                                alphabet=alphabet, token_dropout=True)
    checkpoint, regression = _released_state_dict(model)
    # The model config as fairseq saved it: fair-esm reads encoder_layers, encoder_embed_dim,
    # encoder_attention_heads and token_dropout; the other fields are there in the released files too.
    args = Namespace(_name="ESM2", encoder_layers=layers, encoder_embed_dim=embed_dim,
                     encoder_ffn_embed_dim=4 * embed_dim, encoder_attention_heads=ESM2_HEADS,
                     dropout=0.0, attention_dropout=0.0, activation_dropout=0.0, max_positions=1024,
                     token_dropout=True)
    folder = root / "esm"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pt"
    torch.save({"cfg": {"model": args}, "model": checkpoint}, path)
    # contact_head.regression: weight (1, layers * heads), bias (1,)
    torch.save({"model": regression}, folder / f"{name}-contact-regression.pt")
    return path


def _compact_chain(rng: np.random.Generator, length: int, radius: float = 11.0) -> np.ndarray:
    """(L, 3) C-alpha positions: a 3.8 A-step random walk inside a sphere, so contacts occur at every separation."""
    ca = np.zeros((length, 3))
    for i in range(1, length):
        for _ in range(100):
            step = rng.normal(size=3)
            candidate = ca[i - 1] + 3.8 * step / np.linalg.norm(step)
            if np.linalg.norm(candidate) < radius and (i < 2 or np.linalg.norm(candidate - ca[i - 2]) > 5.0):
                break
        ca[i] = candidate
    return ca


def _backbone(rng: np.random.Generator, ca: np.ndarray) -> dict[str, np.ndarray]:
    """N, CA, C, O and C-beta positions (each (L, 3)) around a C-alpha trace; C-beta by fair-esm's formula."""
    from utils.proteins import virtual_cbeta

    def towards(a: np.ndarray, b: np.ndarray, bond: float) -> np.ndarray:
        direction = b - a + rng.normal(scale=1.0, size=a.shape)
        return a + bond * direction / np.linalg.norm(direction, axis=-1, keepdims=True)

    previous = np.concatenate([ca[:1] - (ca[1:2] - ca[:1]), ca[:-1]])
    following = np.concatenate([ca[1:], ca[-1:] + (ca[-1:] - ca[-2:-1])])
    n, c = towards(ca, previous, 1.46), towards(ca, following, 1.52)
    return {"N": n, "CA": ca, "C": c, "O": towards(c, following, 1.23), "CB": virtual_cbeta(n, ca, c)}


def _residues(rng: np.random.Generator, length: int) -> str:
    """A random sequence over the 20 standard amino acids."""
    return "".join(rng.choice(list(AMINO_ACIDS), length))


def write_mmcif(root: Path, pdb_id: str, length: int, seed: int = 0) -> Path:
    """``root/pdb/<id>.cif``: data block ``<ID>``, ``entry`` and an ``atom_site`` table (chain A, waters, chain B)."""
    import biotite.structure as struc
    import biotite.structure.io.pdbx as pdbx
    from biotite.sequence import ProteinSequence

    rng = np.random.default_rng(seed)
    atoms = []

    def add(chain: str, res_id: int, res_name: str, atom_name: str, coord: np.ndarray, hetero: bool = False) -> None:
        atom = struc.Atom(coord, chain_id=chain, res_id=res_id, res_name=res_name, atom_name=atom_name,
                          element="SE" if atom_name == "SE" else atom_name[0], hetero=hetero)
        atoms.append(atom)

    for chain, n_res in (("A", length), ("B", 8)):
        sequence = _residues(rng, n_res)
        ca = _compact_chain(rng, n_res) + (0.0 if chain == "A" else 40.0)  # chain B far away
        backbone = _backbone(rng, ca)
        for i, letter in enumerate(sequence):
            res_name = ProteinSequence.convert_letter_1to3(letter)
            selenomethionine = chain == "A" and i == MSE_POSITION
            if selenomethionine:  # a modified residue of the chain: HETATM, its parent (MET) in sequence records
                res_name = "MSE"
            for atom_name in ("N", "CA", "C", "O", "CB"):
                if atom_name == "CB" and res_name == "GLY":
                    continue
                if atom_name == "N" and chain == "A" and i == length // 2:
                    continue  # an incomplete residue: its contacts are unknown (-1)
                add(chain, i + 1, res_name, atom_name, backbone[atom_name][i], hetero=selenomethionine)
            if selenomethionine:
                add(chain, i + 1, res_name, "SE", backbone["CB"][i] + rng.normal(scale=1.5, size=3), hetero=True)
        if chain == "A":
            for k in range(3):  # crystal waters, as HETATM records of chain A
                add("A", 1000 + k, "HOH", "O", rng.normal(scale=12.0, size=3), hetero=True)
    array = struc.array(atoms)
    block_name = pdb_id.upper()
    cif = pdbx.CIFFile()
    block = pdbx.CIFBlock()
    cif[block_name] = block
    block["entry"] = pdbx.CIFCategory({"id": block_name})
    pdbx.set_structure(cif, array)
    # As in RCSB's files, only residues of the polymer are numbered (label_seq_id); waters get '.' (inapplicable).
    site = block["atom_site"]
    water = site["label_comp_id"].as_array(str) == "HOH"
    site["label_seq_id"] = pdbx.CIFColumn(pdbx.CIFData(np.where(water, ".", site["label_seq_id"].as_array(str))),
                                          np.where(water, pdbx.MaskValue.INAPPLICABLE, pdbx.MaskValue.PRESENT))
    path = root / "pdb" / f"{pdb_id.lower()}.cif"
    path.parent.mkdir(parents=True, exist_ok=True)
    cif.write(str(path))
    return path


def _domain(rng: np.random.Generator, length: int) -> dict[str, object]:
    """One domain's pkl: ``seq``, ``ssp`` (DSSP), ``dist`` (L, L), ``coords`` (L, 3); NaN where C-beta is missing."""
    coords = _backbone(rng, _compact_chain(rng, length))["CB"]
    coords[rng.choice(length, 2, replace=False)] = np.nan  # C-beta missing in the PDB file
    dist = np.sqrt(((coords[:, None] - coords[None]) ** 2).sum(-1))
    ssp = "".join(rng.choice(list("HGIEBTS-"), length))
    return {"seq": _residues(rng, length), "ssp": ssp, "dist": dist, "coords": coords}


def write_structural_split(root: Path, n_train: int = 6, n_valid: int = 4, seed: int = 0) -> Path:
    """``root/esm/structural-data/{splits/superfamily/4/{train,valid}.txt, pkl/<id[1:3]>/<id>.pkl}``.

    Chains of 30-60 residues; one extra training domain of 320 residues is longer than the notebook's
    ``max_len`` (300), so its length filter has something to drop.
    """
    rng = np.random.default_rng(seed)
    base = root / "esm" / "structural-data"
    lengths = {"train": [*rng.integers(30, 61, n_train).tolist(), 320],
               "valid": rng.integers(30, 61, n_valid).tolist()}
    used: set[str] = set()
    for split, split_lengths in lengths.items():
        names = []
        for length in split_lengths:
            # SCOPe sids: d + PDB id + chain + domain, e.g. d1a3aa_; the pkl folder is the PDB id's middle characters
            name = next(n for n in (f"d{rng.integers(1, 10)}{''.join(rng.choice(list(ID_CHARS), 3))}a_"
                                    for _ in range(100)) if n not in used)
            used.add(name)
            names.append(name)
            pkl = base / "pkl" / name[1:3] / f"{name}.pkl"
            pkl.parent.mkdir(parents=True, exist_ok=True)
            with open(pkl, "wb") as f:
                pickle.dump(_domain(rng, int(length)), f)
        split_file = base / "splits" / "superfamily" / "4" / f"{split}.txt"
        split_file.parent.mkdir(parents=True, exist_ok=True)
        split_file.write_text("\n".join(names) + "\n")
    return base


def write_week12_proteins(root: Path) -> Path:
    """Everything week 12's full profile reads: ESM-2 650M with its contact head, three mmCIF files, the split."""
    for name in WEEK12_MODELS:
        write_esm2(root, name)
    for k, (pdb_id, length) in enumerate(PDB_LENGTHS.items()):
        write_mmcif(root, pdb_id, length, seed=k)
    write_structural_split(root)
    return root
