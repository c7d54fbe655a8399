"""Week 12's contact task in one object, the same in both profiles: MLM data, evaluation proteins, contact-head data.

:func:`contact_task` hides the profile difference: ``smoke`` builds everything from synthetic families
(offline); ``full`` reads the PDB chains and fair-esm's SCOPe structural split. :func:`load_esm2` and
:func:`untrained_esm2` do the same for the language model.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .esm_data import load_esm_model, structural_split
from .families import ProteinFamily, synthetic_families
from .structures import pdb_contacts

PLANTED_DISTANCE, FAR_DISTANCE = 4.0, 20.0  # pseudo C-beta distances (A) of planted pairs and of all other pairs


class DomainSplit(torch.utils.data.Dataset):
    """Domains in the item format of fair-esm's ``ESMStructuralSplitDataset``: ``names`` and items
    ``{"seq": str, "dist": (L, L) C-beta distances in A, NaN unknown}``. Tiny stand-in of the real split.
    """

    def __init__(self, names: Sequence[str], items: Sequence[dict[str, Any]]) -> None:
        if len(names) != len(items):
            raise ValueError(f"{len(names)} names for {len(items)} items")
        self.names, self.items = list(names), list(items)

    def __len__(self) -> int:
        """Number of domains."""
        return len(self.names)

    def __getitem__(self, i: int) -> dict[str, Any]:
        """Item ``i``: a dict with ``seq`` and ``dist``."""
        return self.items[i]


def family_split(families: Sequence[ProteinFamily], start: int, count: int) -> DomainSplit:
    """Members ``start .. start + count - 1`` of each family as a :class:`DomainSplit`.

    The planted pairs get a distance of 4 A, every other pair (the diagonal too) 20 A, so that
    "distance < 8 A" gives back exactly the family's contact map.
    """
    names, items = [], []
    for fam in families:
        dist = np.where(fam.contacts == 1, PLANTED_DISTANCE, FAR_DISTANCE).astype(np.float32)
        for k in range(start, start + count):
            names.append(f"{fam.name}/{k}")
            items.append({"seq": fam.sequences[k], "dist": dist})
    return DomainSplit(names, items)


@dataclass
class ContactTask:
    """What week 12 trains on and measures, for one profile.

    * ``mlm_sequences``: sequences to train the language model on (smoke); empty in full (pretrained).
    * ``proteins``: evaluation proteins ``(name, sequence, (L, L) contacts)``, contacts 1 / 0 / -1 unknown:
      held-out family members named ``family/member`` (smoke) or the PDB chains (full).
    * ``head_train``, ``head_valid``: structural-split-like datasets (``names``, items ``seq`` / ``dist``)
      for the supervised contact head: other synthetic members (smoke) or fair-esm's SCOPe split (full).
    """

    mlm_sequences: list[str]
    proteins: list[tuple[str, str, np.ndarray]]
    head_train: Any
    head_valid: Any

    def representatives(self) -> list[tuple[str, str, np.ndarray]]:
        """The first evaluation protein of each family (smoke) or structure (full), in order."""
        seen: dict[str, tuple[str, str, np.ndarray]] = {}
        for protein in self.proteins:
            seen.setdefault(protein[0].partition("/")[0], protein)
        return list(seen.values())


def _pdb_proteins(pdb_ids: Sequence[str], lengths: Sequence[int]) -> list[tuple[str, str, np.ndarray]]:
    """Chain A of each PDB entry, refused unless it has the expected number of residues."""
    out = []
    for pdb_id, expected in zip(pdb_ids, lengths):
        seq, contacts = pdb_contacts(pdb_id)
        if len(seq) != expected:  # precisions are per residue pair: same chain or no comparison
            raise ValueError(f"{pdb_id}: chain A has {len(seq)} observed residues in the mmCIF file, but the "
                             f"course's sequence (ESM's {pdb_id}_1_A.a3m) has {expected}; its expected numbers "
                             "do not apply")
        out.append((pdb_id, seq, contacts))
    return out


def contact_task(cfg: Any, seed: int = 0, n_eval: int = 4, n_head_train: int = 8, n_head_valid: int = 4) -> ContactTask:
    """The :class:`ContactTask` of a week-12 config: PDB chains + SCOPe split if ``cfg.pdb_ids``, else synthetic.

    Synthetic (smoke): ``cfg.n_families`` families from :func:`synthetic_families` (``seed``); the first
    80 % of each family's members train the LM, the next ``n_eval`` are evaluated, the next
    ``n_head_train`` (first half of the families) / ``n_head_valid`` (second half) train and validate the
    head, so the head is tested on families it never saw. Full: ``cfg.pdb_ids`` with the lengths
    ``cfg.pdb_lengths`` (a different chain raises ``ValueError``), no MLM data, ``structural_split``.
    """
    if cfg.pdb_ids:
        return ContactTask([], _pdb_proteins(cfg.pdb_ids, cfg.pdb_lengths), structural_split("train"),
                           structural_split("valid"))
    families = synthetic_families(cfg.n_families, cfg.n_members, cfg.length, cfg.n_pairs, cfg.mutation_rate,
                                  separations=cfg.separations, seed=seed)
    n_train = int(0.8 * cfg.n_members)
    if n_train + n_eval + max(n_head_train, n_head_valid) > cfg.n_members:
        raise ValueError(f"{cfg.n_members} members per family are too few for the train/eval/head split")
    evaluation = [(f"{fam.name}/{n_train + k}", fam.sequences[n_train + k], fam.contacts)
                  for fam in families for k in range(n_eval)]
    half = len(families) // 2
    return ContactTask([s for fam in families for s in fam.sequences[:n_train]], evaluation,
                       family_split(families[:half], n_train + n_eval, n_head_train),
                       family_split(families[half:], n_train + n_eval, n_head_valid))


def load_esm2(cfg: Any, alphabet: Any) -> tuple[torch.nn.Module, torch.nn.Module | None]:
    """``(model, pretrained contact regression or None)`` of a config.

    ``cfg.model_name == "tiny"``: a freshly initialised ``esm.ESM2`` of ``cfg.num_layers``, ``cfg.embed_dim``,
    ``cfg.attention_heads`` (no token dropout) and no pretrained head. Otherwise fair-esm's pretrained model
    (:func:`load_esm_model`; its alphabet must equal ``alphabet``) and its logistic contact regression
    ``model.contact_head.regression`` (over all layers x heads), or None for a model released without one.
    """
    import esm

    if cfg.model_name == "tiny":
        return esm.ESM2(num_layers=cfg.num_layers, embed_dim=cfg.embed_dim, attention_heads=cfg.attention_heads,
                        alphabet=alphabet, token_dropout=False), None
    model, pretrained_alphabet = load_esm_model(cfg.model_name)
    if pretrained_alphabet.to_dict() != alphabet.to_dict():
        raise ValueError(f"{cfg.model_name} uses another alphabet than the notebook's")
    has_head = esm.pretrained._has_regression_weights(cfg.model_name)
    return model, model.contact_head.regression if has_head else None


def untrained_esm2(model: torch.nn.Module) -> torch.nn.Module:
    """The same ESM-2 architecture (layers, width, heads, alphabet, token dropout) at random initialisation."""
    import esm

    return esm.ESM2(num_layers=model.num_layers, embed_dim=model.embed_dim, attention_heads=model.attention_heads,
                    alphabet=model.alphabet, token_dropout=model.token_dropout)
