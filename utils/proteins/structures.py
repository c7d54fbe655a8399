"""Full data of week 12: PDB structures (mmCIF from RCSB, parsed with biotite) -> sequence and C-beta contacts."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..data import data_root, download_file

PDB_URL = "https://files.rcsb.org/download/{pdb_id}.cif"


def virtual_cbeta(n: np.ndarray, ca: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Ideal C-beta positions from backbone N, CA, C (the formula of trRosetta / fair-esm's example)."""
    b, cc = ca - n, c - ca
    a = np.cross(b, cc)
    return -0.58273431 * a + 0.56802827 * b - 0.54067466 * cc + ca


def residue_letter(res_name: str) -> str:
    """One-letter code of a residue; a modified amino acid gets its parent's (MSE -> M, SEP -> S), unknown -> X.

    Standard residues are read from biotite's table, the others from the PDB's Chemical Component
    Dictionary (``_chem_comp.one_letter_code``, shipped with biotite), which is how sequence records
    such as ESM's example ``.a3m`` files (PDB SEQRES) write them.
    """
    from biotite.sequence import ProteinSequence
    from biotite.structure.info import one_letter_code

    try:
        return ProteinSequence.convert_letter_3to1(res_name)
    except KeyError:
        letter = one_letter_code(res_name)
        return letter if letter is not None and len(letter) == 1 and letter.isalpha() else "X"


def polymer_mask(atoms: Any) -> np.ndarray:
    """Atoms of amino acids in the peptide chain: standard ATOM records and modified residues (HETATM, e.g. MSE).

    mmCIF marks residues outside the polymer (ligands, waters) with ``label_seq_id`` ``.``; when the
    atoms carry that annotation (``pdb_contacts`` reads it), a free amino acid bound as a ligand is left out too.
    """
    import biotite.structure as struc

    mask = struc.filter_amino_acids(atoms)
    if "label_seq_id" in atoms.get_annotation_categories():
        mask &= ~np.isin(atoms.label_seq_id, (".", "?", ""))
    return mask


def structure_contacts(atoms: Any, chain: str = "A", threshold: float = 8.0) -> tuple[str, np.ndarray]:
    """Sequence and (L, L) contact map (1 if C-beta distance < ``threshold`` A, -1 if unknown) of a chain.

    ``atoms`` is a biotite ``AtomArray`` (one model). The chain's amino acids count, modified ones
    (selenomethionine MSE and other HETATM residues of the chain) as their parent amino acid
    (:func:`residue_letter`); waters and ligands do not. A residue lacking N, CA or C gets -1 contacts.
    """
    import biotite.structure as struc

    atoms = atoms[(atoms.chain_id == chain) & polymer_mask(atoms)]
    if len(atoms) == 0:
        raise ValueError(f"structure has no amino acids in chain {chain!r}")
    starts = struc.get_residue_starts(atoms)
    letters, backbone = [], np.full((len(starts), 3, 3), np.nan)
    for r, (start, stop) in enumerate(zip(starts, list(starts[1:]) + [len(atoms)])):
        residue = atoms[start:stop]
        letters.append(residue_letter(residue.res_name[0]))
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
    from biotite.structure.io import pdbx

    url = PDB_URL.format(pdb_id=pdb_id.lower())
    path = download_file(url, data_root() / "pdb" / f"{pdb_id.lower()}.cif", dataset=f"PDB {pdb_id}")
    atoms = pdbx.get_structure(pdbx.CIFFile.read(str(path)), model=1, extra_fields=["label_seq_id"])
    return structure_contacts(atoms, chain, threshold)
