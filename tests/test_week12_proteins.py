"""Known-answer tests of utils/proteins/ (week 12): synthetic families, contact metrics, structures, offline errors."""
import urllib.error
import urllib.request

import numpy as np
import pytest

from utils import DatasetUnavailableError
from utils import proteins


def _ten_residue_case():
    targets = np.zeros((10, 10), dtype=np.int64)
    for i, j in [(0, 9), (1, 8)]:
        targets[i, j] = targets[j, i] = 1
    preds = np.zeros((10, 10))
    preds[0, 9], preds[0, 6], preds[1, 8] = 10, 9, 8
    return preds, targets


def test_contact_precisions_known_answer():
    preds, targets = _ten_residue_case()
    out = proteins.contact_precisions(preds, targets, min_sep=6)
    # ranking of the 10 pairs with j - i >= 6: hit, miss, hit, then 7 misses
    binned = [1, 1 / 2, 2 / 3, 2 / 4, 2 / 5, 2 / 6, 2 / 7, 2 / 8, 2 / 9, 2 / 10]
    assert out["P@L5"] == pytest.approx(0.5)
    assert out["P@L2"] == pytest.approx(0.4)
    assert out["P@L"] == pytest.approx(0.2)
    assert out["AUC"] == pytest.approx(np.mean(binned))


def test_contact_precisions_perfect_and_unknown_targets():
    preds, targets = _ten_residue_case()
    perfect = proteins.contact_precisions(targets.astype(float), targets, min_sep=6)
    assert perfect["P@L5"] == 1.0 and perfect["P@L"] == pytest.approx(0.2)  # only 2 contacts exist among top 10
    hidden = targets.copy()
    hidden[0, 9] = hidden[9, 0] = -1  # unknown pairs are skipped, never counted
    out = proteins.contact_precisions(preds, hidden, min_sep=6)
    # L = residues known in row 0 = 9; ranking: (0,6) miss, (1,8) hit, misses; (0,9) is never counted
    assert out["P@L5"] == pytest.approx(0.0)  # top 9 // 5 = 1 pair: the miss
    assert out["P@L2"] == pytest.approx(1 / 4)  # top int(0.5 * 9) = 4 pairs hold one hit
    assert out["P@L"] == pytest.approx(1 / 9)
    with pytest.raises(ValueError):
        proteins.contact_precisions(preds[:5, :5], targets)


def test_contact_precisions_separation_window_and_padding():
    preds, targets = _ten_residue_case()
    # only pairs with 8 <= j - i < 10: (0,8), (0,9), (1,9): one hit at rank 1, list padded with misses to L
    out = proteins.contact_precisions(preds, targets, min_sep=8)
    assert out["P@L5"] == pytest.approx(0.5) and out["P@L"] == pytest.approx(0.1)
    out = proteins.contact_precisions(preds, targets, min_sep=6, max_sep=8)  # adds (1,8) at rank 2 among sep 6-7
    assert out["P@L5"] == pytest.approx(0.5) and out["P@L"] == pytest.approx(0.1)
    out = proteins.contact_precisions(preds, targets, min_sep=6, max_sep=7)  # (0,6), (1,7), (2,8), (3,9): no contact
    assert out["P@L"] == 0 and out["AUC"] == 0


def test_evaluate_contacts_keys_and_random_precision():
    preds, targets = _ten_residue_case()
    out = proteins.evaluate_contacts(preds, targets)
    assert set(out) == {f"{r}_{m}" for r in ("local", "short", "medium", "long") for m in ("AUC", "P@L", "P@L2", "P@L5")}
    assert out["short_P@L5"] == pytest.approx(0.5)
    assert proteins.random_precision(targets, 6) == pytest.approx(2 / 10)
    assert proteins.random_precision(targets, 24) != proteins.random_precision(targets, 24)  # no pairs: NaN


def test_synthetic_families_plant_co_varying_pairs():
    fams = proteins.synthetic_families(n_families=3, n_members=50, length=48, n_pairs=12, separations=(24,), seed=3)
    again = proteins.synthetic_families(n_families=3, n_members=50, length=48, n_pairs=12, separations=(24,), seed=3)
    assert [f.sequences for f in fams] == [f.sequences for f in again], "same seed, same data"
    for fam in fams:
        assert len(fam.sequences) == 50 and all(len(s) == 48 for s in fam.sequences)
        assert len(fam.pairs) == 12 and all(j - i == 24 for i, j in fam.pairs)
        positions = [p for pair in fam.pairs for p in pair]
        assert len(set(positions)) == 24, "pairs are disjoint"
        assert (fam.contacts == fam.contacts.T).all() and fam.contacts.sum() == 24
        for i, j in fam.pairs:
            column_i = [s[i] for s in fam.sequences]
            assert all(proteins.COMPLEMENT[s[i]] == s[j] for s in fam.sequences), "j is the complement of i"
            assert len(set(column_i)) > 3, "paired columns vary"
        free = [k for k in range(48) if k not in positions]
        conserved = np.mean([np.mean([s[k] == fam.ancestor[k] for s in fam.sequences]) for k in free])
        assert 0.8 < conserved < 0.97, "background: the ancestor with ~10 % mutations"
    ranges = proteins.synthetic_families(n_families=2, n_members=5, length=64, n_pairs=16, seed=0)
    seps = [j - i for f in ranges for i, j in f.pairs]
    assert min(seps) >= 6 and np.mean([s >= 24 for s in seps]) >= 0.5


def test_virtual_cbeta_matches_fair_esm_example():
    rng = np.random.default_rng(0)
    n, ca, c = rng.normal(size=(3, 5, 3))

    def extend(a, b, c, length, angle, dihedral):  # fair-esm examples/contact_prediction.ipynb
        def normalize(x):
            return x / np.linalg.norm(x, ord=2, axis=-1, keepdims=True)
        bc = normalize(b - c)
        nn_ = normalize(np.cross(b - a, bc))
        m = [bc, np.cross(nn_, bc), nn_]
        d = [length * np.cos(angle), length * np.sin(angle) * np.cos(dihedral), -length * np.sin(angle) * np.sin(dihedral)]
        return c + sum(mi * di for mi, di in zip(m, d))

    # the two formulas agree on ideal backbone geometry; check on an ideal residue
    n0, ca0, c0 = np.array([1.458, 0, 0]), np.zeros(3), np.array([-0.551, 1.420, 0])
    ours = proteins.virtual_cbeta(n0[None], ca0[None], c0[None])[0]
    ref = extend(c0, n0, ca0, 1.522, 1.927, -2.143)
    assert np.linalg.norm(ours - ref) < 0.05
    assert abs(np.linalg.norm(ours - ca0) - 1.52) < 0.05
    assert proteins.virtual_cbeta(n, ca, c).shape == (5, 3)


def test_structure_contacts_from_biotite_atoms():
    import biotite.structure as struc

    atoms = []
    for r, (name, x) in enumerate([("ALA", 0.0), ("GLY", 3.8), ("LYS", 30.0)]):
        for atom, offset in [("N", np.array([1.458, 0, 0])), ("CA", np.zeros(3)), ("C", np.array([-0.551, 1.420, 0]))]:
            if r == 2 and atom == "C":
                continue  # residue 3 misses an atom: its contacts are unknown
            atoms.append(struc.Atom(np.array([x, 0, 0]) + offset, chain_id="A", res_id=r + 1, res_name=name,
                                    atom_name=atom, element=atom[0], hetero=False))
    atoms.append(struc.Atom([0, 0, 0], chain_id="B", res_id=1, res_name="TRP", atom_name="CA", element="C"))
    seq, contacts = proteins.structure_contacts(struc.array(atoms), chain="A")
    assert seq == "AGK"
    assert (contacts == np.array([[1, 1, -1], [1, 1, -1], [-1, -1, -1]])).all()


def test_modified_residues_read_as_their_parent_amino_acid():
    assert [proteins.residue_letter(n) for n in ("MET", "MSE", "SEP", "TPO", "PTR", "MLY", "UNK")] == list("MMSTYKX")


def test_structure_keeps_hetatm_modified_residues_of_the_chain():
    """A HETATM selenomethionine inside chain A counts as M; a free MET ligand (no label_seq_id) and water do not."""
    import biotite.structure as struc

    atoms = []
    for r, (name, hetero) in enumerate([("ALA", False), ("MSE", True), ("SEP", True), ("LYS", False),
                                        ("MET", True), ("HOH", True)]):
        for atom, offset in [("N", np.array([1.458, 0, 0])), ("CA", np.zeros(3)), ("C", np.array([-0.551, 1.420, 0]))]:
            atoms.append(struc.Atom(np.array([3.8 * r, 0, 0]) + offset, chain_id="A", res_id=r + 1, res_name=name,
                                    atom_name=atom, element=atom[0], hetero=hetero))
    array = struc.array(atoms)
    array.set_annotation("label_seq_id", np.repeat(["1", "2", "3", "4", ".", "."], 3))  # mmCIF: '.' = not in the polymer
    seq, contacts = proteins.structure_contacts(array, chain="A")
    assert seq == "AMSK" and contacts.shape == (4, 4) and (contacts >= 0).all()


def test_pdb_contacts_reads_a_selenomethionine_chain_at_its_full_length(monkeypatch, tmp_path):
    """The stand-in mmCIF holds a HETATM MSE inside chain A (as Se-Met crystal structures do): it is read as M,
    so the chain keeps the length of its sequence record (the notebook refuses any other length)."""
    from tests.standins import proteins as standins

    standins.write_mmcif(tmp_path, "1xyz", 30)
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    text = (tmp_path / "pdb" / "1xyz.cif").read_text()
    assert "HETATM" in text and " MSE " in text, "the stand-in must contain a HETATM selenomethionine"
    seq, contacts = proteins.pdb_contacts("1xyz")
    assert len(seq) == 30 and contacts.shape == (30, 30)
    assert seq[standins.MSE_POSITION] == "M" and contacts[standins.MSE_POSITION, standins.MSE_POSITION] == 1


def _no_network(*args, **kwargs):
    raise urllib.error.URLError("network is unreachable (test)")


def test_full_downloads_fail_offline_with_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    with pytest.raises(DatasetUnavailableError, match="files.rcsb.org/download/1a3a.cif"):
        proteins.pdb_contacts("1a3a")
    with pytest.raises(DatasetUnavailableError, match="fair-esm/models/esm2_t6_8M_UR50D.pt"):
        proteins.load_esm_model("esm2_t6_8M_UR50D")
    with pytest.raises(DatasetUnavailableError, match="structural-data"):
        proteins.structural_split("train")


def _smoke_cfg(**overrides):
    from utils import Config

    values = dict(model_name="tiny", num_layers=1, embed_dim=16, attention_heads=2, n_families=4, n_members=60,
                  length=48, n_pairs=12, mutation_rate=0.1, separations=(24,), pdb_ids=(), pdb_lengths=())
    return Config({**values, **overrides}, profile="smoke", dry_run=False)


def test_smoke_contact_task_splits_families_without_overlap():
    cfg = _smoke_cfg()
    task = proteins.contact_task(cfg, seed=3)
    fams = proteins.synthetic_families(4, 60, 48, 12, 0.1, separations=(24,), seed=3)
    n_train = 48  # 80 % of 60 members train the language model
    assert task.mlm_sequences == [s for f in fams for s in f.sequences[:n_train]]
    assert [name for name, _, _ in task.proteins] == [f"family{f}/{n_train + k}" for f in range(4) for k in range(4)]
    for (name, seq, contacts), fam in zip(task.proteins[::4], fams):
        assert seq == fam.sequences[n_train] and (contacts == fam.contacts).all()
    assert [p[0] for p in task.representatives()] == [f"family{f}/{n_train}" for f in range(4)]
    # the head learns on families 0-1 and is validated on 2-3, on members neither MLM nor evaluation used
    assert len(task.head_train) == 2 * 8 and len(task.head_valid) == 2 * 4
    assert task.head_train.names[0] == "family0/52" and task.head_valid.names[0] == "family2/52"
    item = task.head_train[0]
    assert item["seq"] == fams[0].sequences[52]
    assert ((item["dist"] < 8.0).astype(int) == fams[0].contacts).all(), "distance < 8 A gives the planted map"
    with pytest.raises(ValueError, match="too few"):
        proteins.contact_task(_smoke_cfg(n_members=10))


def test_domain_split_has_the_structural_split_item_format():
    split = proteins.DomainSplit(["d1"], [{"seq": "MKT", "dist": np.zeros((3, 3))}])
    assert len(split) == 1 and split.names == ["d1"] and split[0]["seq"] == "MKT"
    with pytest.raises(ValueError):
        proteins.DomainSplit(["d1", "d2"], [{"seq": "MKT", "dist": np.zeros((3, 3))}])


def test_full_contact_task_refuses_a_chain_of_another_length(monkeypatch):
    from utils.proteins import tasks

    contacts = np.zeros((5, 5), dtype=np.int64)
    monkeypatch.setattr(tasks, "pdb_contacts", lambda pdb_id: ("MKTAY", contacts))
    monkeypatch.setattr(tasks, "structural_split", lambda split: proteins.DomainSplit([split], [{"seq": "M"}]))
    task = proteins.contact_task(_smoke_cfg(pdb_ids=("1abc", "2xyz"), pdb_lengths=(5, 5)))
    assert task.mlm_sequences == [] and [p[0] for p in task.proteins] == ["1abc", "2xyz"]
    assert task.head_train.names == ["train"] and task.head_valid.names == ["valid"]
    assert [p[0] for p in task.representatives()] == ["1abc", "2xyz"]
    with pytest.raises(ValueError, match="1abc: chain A has 5 observed residues.*has 7"):
        proteins.contact_task(_smoke_cfg(pdb_ids=("1abc",), pdb_lengths=(7,)))


def test_tiny_esm2_and_its_untrained_twin_share_the_architecture():
    import esm
    import torch

    alphabet = esm.Alphabet.from_architecture("ESM-1b")
    model, regression = proteins.load_esm2(_smoke_cfg(), alphabet)
    assert regression is None, "a freshly built model has no pretrained contact head"
    twin = proteins.untrained_esm2(model)
    assert (twin.num_layers, twin.embed_dim, twin.attention_heads, twin.token_dropout) == (1, 16, 2, False)
    assert [k for k in twin.state_dict()] == [k for k in model.state_dict()]
    assert not torch.equal(twin.embed_tokens.weight, model.embed_tokens.weight), "a new random initialisation"
