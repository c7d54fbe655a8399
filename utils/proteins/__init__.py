"""Protein data for week 12: synthetic co-varying families, PDB contacts, ESM weights and splits, contact metrics.

* ``smoke``: :func:`synthetic_families` generates protein families offline, with planted pairs of
  positions whose residues co-vary (the toy version of co-evolution), and their contact maps.
* ``full``: :func:`load_esm_model` (fair-esm weights, loaded with ``weights_only=True``),
  :func:`pdb_contacts` (mmCIF from RCSB parsed with biotite, virtual C-beta contacts < 8 A) and
  :func:`structural_split` (fair-esm's SCOPe structural split), all through the course's data layer,
  so that offline runs fail with one clear :class:`~utils.data.DatasetUnavailableError`.
* :func:`contact_precisions` / :func:`evaluate_contacts`: AUC, P@L, P@L/2, P@L/5 by sequence
  separation, as in fair-esm's contact-prediction example.

One module per job: ``families`` (the synthetic families), ``contacts`` (the metrics), ``structures``
(PDB parsing) and ``esm_data`` (ESM weights and the structural split); everything is re-exported here.
"""
from .families import (AMINO_ACIDS, COMPLEMENT, BACKGROUND, ProteinFamily, synthetic_families)
from .contacts import (CONTACT_RANGES, contact_precisions, evaluate_contacts, random_precision)
from .structures import (virtual_cbeta, structure_contacts, pdb_contacts, PDB_URL)
from .esm_data import (load_esm_model, structural_split, ESM_MODEL_URL, ESM_REGRESSION_URL)

__all__ = ["AMINO_ACIDS", "BACKGROUND", "COMPLEMENT", "CONTACT_RANGES", "ProteinFamily", "contact_precisions",
           "evaluate_contacts", "load_esm_model", "pdb_contacts", "random_precision", "structural_split",
           "structure_contacts", "synthetic_families", "virtual_cbeta"]
