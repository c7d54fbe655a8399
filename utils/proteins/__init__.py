"""Protein data for week 12: synthetic co-varying families, PDB contacts, ESM weights and splits, contact metrics.

* ``smoke``: :func:`synthetic_families` generates protein families offline, with planted pairs of
  positions whose residues co-vary (the toy version of co-evolution), and their contact maps.
* ``full``: :func:`load_esm_model` (fair-esm weights, loaded with ``weights_only=True``),
  :func:`pdb_contacts` (mmCIF from RCSB parsed with biotite, modified residues such as MSE read as their
  parent amino acid, virtual C-beta contacts < 8 A) and
  :func:`structural_split` (fair-esm's SCOPe structural split), all through the course's data layer,
  so that offline runs fail with one clear :class:`~utils.data.DatasetUnavailableError`.
* :func:`contact_precisions` / :func:`evaluate_contacts`: AUC, P@L, P@L/2, P@L/5 by sequence
  separation, as in fair-esm's contact-prediction example.
* :func:`contact_task`, :func:`load_esm2`, :func:`untrained_esm2`: the loaders that hide the profile
  difference from the notebook (one :class:`ContactTask` and one ESM-2 in either profile).

One module per job: ``families`` (the synthetic families), ``contacts`` (the metrics), ``structures``
(PDB parsing), ``esm_data`` (ESM weights and the structural split) and ``tasks`` (the loaders); everything is
re-exported here.
"""
from .contacts import (
           CONTACT_RANGES,
           contact_precisions,
           evaluate_contacts,
           random_precision,
)
from .esm_data import (
           ESM_MODEL_URL,
           ESM_REGRESSION_URL,
           load_esm_model,
           structural_split,
)
from .families import (
           AMINO_ACIDS,
           BACKGROUND,
           COMPLEMENT,
           ProteinFamily,
           synthetic_families,
)
from .structures import PDB_URL, pdb_contacts, polymer_mask, residue_letter, structure_contacts, virtual_cbeta
from .tasks import (
           ContactTask,
           DomainSplit,
           contact_task,
           family_split,
           load_esm2,
           untrained_esm2,
)

__all__ = ["AMINO_ACIDS", "BACKGROUND", "COMPLEMENT", "CONTACT_RANGES", "ESM_MODEL_URL", "ESM_REGRESSION_URL",
           "PDB_URL", "ContactTask", "DomainSplit",
           "ProteinFamily", "contact_precisions", "contact_task", "evaluate_contacts", "family_split", "load_esm2",
           "load_esm_model", "pdb_contacts", "polymer_mask", "random_precision", "residue_letter", "structural_split",
           "structure_contacts", "synthetic_families", "untrained_esm2", "virtual_cbeta"]
