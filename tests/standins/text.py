"""Miniature stand-ins of the BERT week's text data and tokeniser, in the files a real download leaves (tests only).

Random English-ish text built from a small word list (every class present, multi-sentence IMDb reviews so the
sentence splitter has work, sentences long enough for the 64-token pairs of pretraining phase 2).

* IMDb (``stanfordnlp/imdb``) and SST-2 (``stanfordnlp/sst2``) as ``utils.data.load_hf_dataset`` finds them
  offline. With ``HF_HUB_OFFLINE=1`` the installed ``datasets`` (5.x) never resolves a hub repository: its
  ``dataset_module_factory`` raises "offline" before looking at the hub cache and falls back to the *prepared
  Arrow cache* in ``cache_dir`` (``CachedDatasetModuleFactory``). So each dataset is written twice, the way a
  real first download leaves it: the repository's parquet files in the hub cache
  (``root/hf_home/hub/datasets--stanfordnlp--<name>/snapshots/<commit>/{plain_text,data}/<split>-00000-of-00001.parquet``,
  with ``HF_HOME=root/hf_home`` as in the rehearsal), and the Arrow cache that ``datasets``' own parquet builder
  prepares from them in ``root/hf/stanfordnlp___<name>/<config>/0.0.0/<commit>/`` (``<name>-<split>.arrow`` +
  ``dataset_info.json``), which is what the offline load reads.
* ``bert-base-uncased``'s ``tokenizer.json`` (with ``vocab.txt``, ``tokenizer_config.json`` and ``config.json``)
  as a hub cache snapshot in ``root/hf`` (the ``cache_dir`` that ``transformers.AutoTokenizer`` is given): a real
  ``tokenizers`` WordPiece with BERT's normaliser, pre-tokeniser, post-processor and decoder, 30,522 ids with
  the special tokens at their real positions.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.standins.weights import FAKE_COMMIT, hf_snapshot

# Opinion words include the course grammar's lexicon (utils.text.POSITIVE_WORDS / NEGATIVE_WORDS), which
# week 3 requires to be single word pieces, so that its polarity and unseen-word checks find sentences.
POSITIVE = ["good", "great", "excellent", "wonderful", "amazing", "brilliant", "funny", "moving"]
NEGATIVE = ["bad", "terrible", "awful", "boring", "poor", "dull", "silly", "weak"]
WORDS = ("the a an this that film movie story plot actor actress director scene ending music camera script cast "
         "character characters time year life man woman world family night hour minute end part war love friend "
         "is was are were has had have be been it he she they we i you of in on at to for with from by about as "
         "and but or so very really quite too just also never not only still even much more most some every "
         "watch watched see saw seen make made think thought feel felt like liked play played show shows "
         "first last old new young long short big little real whole best worst other same own").split()
BERT_SPECIALS = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
BERT_VOCAB_SIZE = 30522


def _sentence(rng: np.random.Generator, label: int, n_words: int) -> str:
    """One capitalised sentence of ``n_words`` words (one or two opinion words of polarity ``label``), with an end mark."""
    words = list(rng.choice(WORDS, size=n_words))
    opinions = POSITIVE if label == 1 else NEGATIVE
    for _ in range(int(rng.integers(1, 3))):
        words[int(rng.integers(n_words))] = str(rng.choice(opinions))
    if rng.random() < 0.2:
        words[int(rng.integers(n_words))] += ","
    return " ".join(words).capitalize() + str(rng.choice([".", ".", ".", "!", "?"]))


def _review(rng: np.random.Generator, label: int, sentences: tuple[int, int] = (3, 8)) -> str:
    """An IMDb-like review: ``sentences`` (low, high exclusive) sentences of 4-40 words, some separated by ``<br /><br />``."""
    sentences = [_sentence(rng, label, int(rng.integers(4, 41))) for _ in range(int(rng.integers(*sentences)))]
    return "".join(s + (" <br /><br />" if rng.random() < 0.2 else " ") for s in sentences).strip()


def _balanced_labels(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` labels 0/1, half each, shuffled."""
    return rng.permutation(np.arange(n) % 2)


def _write_hub_dataset(root: Path, repo_id: str, config: str, folder: str, splits: dict, features) -> Path:
    """Write ``splits`` (name -> columns) as the repo's ``folder/<split>-00000-of-00001.parquet`` and the prepared Arrow cache."""
    import datasets
    from datasets.data_files import DataFilesDict
    from datasets.load import configure_builder_class
    from datasets.packaged_modules.parquet.parquet import Parquet, ParquetConfig

    snapshot = hf_snapshot(root / "hf_home" / "hub", repo_id, kind="datasets")
    files = {}
    for split, columns in splits.items():
        path = snapshot / folder / f"{split}-00000-of-00001.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        datasets.Dataset.from_dict(columns, features=features).to_parquet(str(path))
        files[split] = [str(path)]
    # What a real load_dataset(repo_id) does after downloading: datasets' parquet builder, configured with the
    # repository's config, prepares <cache_dir>/<org>___<name>/<config>/0.0.0/<commit>/. The builder insists that
    # data files are hf:// URLs of the repo, so the (local) snapshot files are handed to it after construction.
    name = repo_id.split("/")[-1]
    builder_cls = configure_builder_class(Parquet, [ParquetConfig(name=config, features=features)],
                                          default_config_name=config, dataset_name=name)
    builder = builder_cls(cache_dir=str(root / "hf"), dataset_name=name, config_name=config, repo_id=repo_id,
                          hash=FAKE_COMMIT)
    builder.config.data_files = DataFilesDict.from_patterns(files)
    builder.download_and_prepare()
    return Path(builder.cache_dir)


def write_imdb(root: Path, sizes: tuple[int, int, int] = (40, 60, 150), seed: int = 10,
               sentences: tuple[int, int] = (3, 8)) -> Path:
    """``stanfordnlp/imdb`` (config ``plain_text``): splits train, test, unsupervised; ``text`` str, ``label`` neg/pos (-1 in unsupervised).

    ``sentences``: sentences per review (low, high exclusive); (8, 13) gives the release's ~230 words a review.
    """
    import datasets

    rng = np.random.default_rng(seed)
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["neg", "pos"])})
    splits = {}
    for split, n in zip(("train", "test", "unsupervised"), sizes):
        labels = _balanced_labels(n, rng)
        splits[split] = {"text": [_review(rng, int(y), sentences) for y in labels],
                         "label": [-1] * n if split == "unsupervised" else labels.tolist()}
    return _write_hub_dataset(root, "stanfordnlp/imdb", "plain_text", "plain_text", splits, features)


def write_sst2(root: Path, sizes: tuple[int, int, int] = (150, 120, 40), seed: int = 11) -> Path:
    """``stanfordnlp/sst2`` (config ``default``): splits train, validation, test; ``idx`` int32, ``sentence`` str, ``label`` negative/positive (-1 in test)."""
    import datasets

    rng = np.random.default_rng(seed)
    features = datasets.Features({"idx": datasets.Value("int32"), "sentence": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["negative", "positive"])})
    splits = {}
    for split, n in zip(("train", "validation", "test"), sizes):
        labels = _balanced_labels(n, rng)
        sentences = [_sentence(rng, int(y), int(rng.integers(3, 20))).lower() + " " for y in labels]  # SST-2 style
        splits[split] = {"idx": list(range(n)), "sentence": sentences,
                         "label": [-1] * n if split == "test" else labels.tolist()}
    return _write_hub_dataset(root, "stanfordnlp/sst2", "default", "data", splits, features)


def write_bert_tokenizer(root: Path, hub_id: str = "bert-base-uncased") -> Path:
    """``root/hf/models--bert-base-uncased/snapshots/<commit>/``: a BERT WordPiece ``tokenizer.json``, 30,522 ids.

    Layout as released: [PAD]=0, [unused0..98], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103, [unused99..],
    then characters, the stand-in text's words and ``##`` continuation pieces; the rest is ``[unusedN]`` filler.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    chars = sorted(set("abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"()-:;/<>"))
    vocab: list[str] = []
    unused = iter(range(BERT_VOCAB_SIZE))
    by_id = {i: t for t, i in BERT_SPECIALS.items()}
    for i in range(1000):
        vocab.append(by_id.get(i) or f"[unused{next(unused)}]")
    words = sorted(set(WORDS + POSITIVE + NEGATIVE + ["br"]))
    vocab += chars + words + [f"##{c}" for c in chars] + ["##s", "##ed", "##ing", "##ly"]
    vocab = list(dict.fromkeys(vocab))
    vocab += [f"[unused{next(unused)}]" for _ in range(BERT_VOCAB_SIZE - len(vocab))]
    tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]",
                                     max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", BERT_SPECIALS["[CLS]"]), ("[SEP]", BERT_SPECIALS["[SEP]"])])
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.add_special_tokens([AddedToken(t, special=True) for t in BERT_SPECIALS])
    assert tok.get_vocab_size(with_added_tokens=True) == BERT_VOCAB_SIZE
    assert all(tok.token_to_id(t) == i for t, i in BERT_SPECIALS.items())
    snapshot = hf_snapshot(root / "hf", hub_id)
    tok.save(str(snapshot / "tokenizer.json"))
    # The repository's other files that transformers.AutoTokenizer reads, with the released contents' gist.
    (snapshot / "vocab.txt").write_text("".join(f"{t}\n" for t in vocab))
    (snapshot / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "model_max_length": 512}))
    (snapshot / "config.json").write_text(json.dumps({"architectures": ["BertForMaskedLM"], "model_type": "bert",
                                                      "vocab_size": BERT_VOCAB_SIZE, "hidden_size": 768}))
    return snapshot / "tokenizer.json"


def write_week03_text(root: Path) -> Path:
    """Everything week 3's full profile reads: IMDb, SST-2 and the ``bert-base-uncased`` tokeniser."""
    write_imdb(root)
    write_sst2(root)
    write_bert_tokenizer(root)
    return root
