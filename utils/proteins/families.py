"""Smoke data of week 12: synthetic protein families with planted co-varying residue pairs and their contact maps."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

AMINO_ACIDS = "ACDEFGHIKLMNPQRSTVWY"
# Complementary residue pairs (an involution): the residue at one end of a planted pair fixes the other.
COMPLEMENT = {"K": "E", "E": "K", "R": "D", "D": "R", "F": "W", "W": "F", "S": "G", "G": "S"}
BACKGROUND = "".join(a for a in AMINO_ACIDS if a not in COMPLEMENT)


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
