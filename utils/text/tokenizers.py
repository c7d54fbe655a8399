"""Tokenisers: a WordPiece trained on the corpus (offline, seconds) or bert-base-uncased, behind one API."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..data import data_root, fetching

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class TextTokenizer:
    """A ``tokenizers.Tokenizer`` with BERT's special-token ids and batch helpers (same API for both kinds)."""

    backend: "tokenizers.Tokenizer"  # noqa: F821
    name: str

    def __post_init__(self) -> None:
        ids = {t: self.backend.token_to_id(t) for t in SPECIAL_TOKENS}
        missing = [t for t, i in ids.items() if i is None]
        if missing:
            raise ValueError(f"tokenizer {self.name} lacks special tokens {missing}")
        self.pad_id, self.unk_id, self.cls_id, self.sep_id, self.mask_id = (ids[t] for t in SPECIAL_TOKENS)
        self.special_ids = sorted(ids.values())

    @property
    def vocab_size(self) -> int:
        """Number of token ids (embedding rows needed)."""
        return self.backend.get_vocab_size(with_added_tokens=True)

    def encode(self, text: str) -> list[int]:
        """Token ids of one text, without special tokens."""
        return self.backend.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of many texts (parallel in Rust), without special tokens."""
        return [e.ids for e in self.backend.encode_batch(list(texts), add_special_tokens=False)]

    def tokens(self, text: str) -> list[str]:
        """The word pieces of one text (``##`` marks a piece that continues a word)."""
        return self.backend.encode(text, add_special_tokens=False).tokens

    def id_to_token(self, i: int) -> str:
        """The string of one token id."""
        return self.backend.id_to_token(int(i))

    def decode(self, ids: Iterable[int], skip_special_tokens: bool = False) -> str:
        """Text of token ids (word pieces merged)."""
        return self.backend.decode([int(i) for i in ids], skip_special_tokens=skip_special_tokens)


def train_wordpiece(sentences: Iterable[str], vocab_size: int = 1000, min_frequency: int = 2) -> TextTokenizer:
    """Build a lower-casing BERT-style WordPiece tokeniser from word counts, deterministically (seconds).

    The vocabulary is the special tokens, every character seen (alone and as a ``##`` continuation
    piece, so no word is ever out of vocabulary), then whole words with at least ``min_frequency``
    occurrences, most frequent first and ties broken alphabetically, up to ``vocab_size``. Tokenising
    is WordPiece's greedy longest-match-first, done by the ``tokenizers`` library. Its own
    ``WordPieceTrainer`` is not used: it breaks ties between equally frequent merges in hash order,
    which changes from process to process, so one seed gave different vocabularies and results.
    """
    from collections import Counter

    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    normalizer, pre_tokenizer = normalizers.BertNormalizer(lowercase=True), pre_tokenizers.BertPreTokenizer()
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(w for w, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(sentence)))
    chars = sorted({c for word in counts for c in word})
    vocab = list(SPECIAL_TOKENS) + chars + [f"##{c}" for c in chars]
    words = sorted((w for w, n in counts.items() if n >= min_frequency and len(w) > 1), key=lambda w: (-counts[w], w))
    vocab += words[: max(0, vocab_size - len(vocab))]
    tok = Tokenizer(models.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer, tok.pre_tokenizer, tok.decoder = normalizer, pre_tokenizer, decoders.WordPiece()
    return TextTokenizer(tok, f"wordpiece-{tok.get_vocab_size()}")


def pretrained_tokenizer(hub_id: str = "bert-base-uncased") -> TextTokenizer:
    """A pretrained hub tokeniser loaded by ``transformers.AutoTokenizer`` (cached in ``data_root()/hf``), as its fast backend."""
    folder = data_root() / "hf"
    url = f"https://huggingface.co/{hub_id}"
    with fetching(f"{hub_id} tokenizer", url, folder,
                  f"the repository's tokenizer files in the Hugging Face cache {folder}/models--{hub_id.replace('/', '--')}"):
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(hub_id, cache_dir=str(folder))
    return TextTokenizer(tok.backend_tokenizer, hub_id)


def get_tokenizer(name: str, sentences: Iterable[str] | None = None, vocab_size: int = 1000) -> TextTokenizer:
    """``"wordpiece"``: train one on ``sentences``; anything else: a pretrained hub tokeniser of that name."""
    if name == "wordpiece":
        if sentences is None:
            raise ValueError("training a WordPiece tokeniser needs the corpus sentences")
        return train_wordpiece(sentences, vocab_size)
    return pretrained_tokenizer(name)
