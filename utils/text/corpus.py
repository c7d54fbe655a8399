"""Tokenised corpora for BERT pre-training, cached as flat int arrays."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .tokenizers import TextTokenizer


@dataclass
class TokenizedCorpus:
    """Sentences as one flat id array with offsets; ``doc_starts`` gives each document's first sentence."""

    ids: np.ndarray          # all token ids, concatenated
    offsets: np.ndarray      # sentence i is ids[offsets[i]:offsets[i + 1]]
    doc_starts: np.ndarray   # document d holds sentences doc_starts[d]:doc_starts[d + 1]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def num_docs(self) -> int:
        """Number of documents."""
        return len(self.doc_starts) - 1

    def sentence(self, i: int) -> np.ndarray:
        """Token ids of sentence ``i``."""
        return self.ids[self.offsets[i]:self.offsets[i + 1]]

    def doc_of(self, i: int) -> int:
        """Index of the document that holds sentence ``i``."""
        return int(np.searchsorted(self.doc_starts, i, side="right") - 1)

    def lengths(self) -> np.ndarray:
        """Number of tokens of every sentence."""
        return np.diff(self.offsets)


CHUNK = 50_000  # sentences per tokenizer call in tokenize_corpus


def tokenize_corpus(docs: Sequence[Sequence[str]], tokenizer: TextTokenizer, max_len: int,
                    cache: Path | str | None = None) -> TokenizedCorpus:
    """Tokenise documents of sentences (each truncated to ``max_len`` ids); load/save an ``.npz`` cache.

    A cache is used only if its documents have the same numbers of sentences as ``docs`` (else it was written for
    other data: it is recomputed and overwritten). Sentences are encoded in chunks of ``CHUNK`` so that the
    tokenizer's per-token objects for a 500,000-sentence corpus never exist all at once.
    """
    doc_starts = np.concatenate([[0], np.cumsum([len(d) for d in docs])]).astype(np.int64)
    if cache is not None and Path(cache).exists():
        data = np.load(cache)
        if np.array_equal(data["doc_starts"], doc_starts):
            return TokenizedCorpus(data["ids"], data["offsets"], data["doc_starts"])
        print(f"{cache} was written for other documents: tokenising again")
    sentences = [s for doc in docs for s in doc]
    dtype = np.int16 if tokenizer.vocab_size < 2 ** 15 else np.int32
    ids_parts, lengths_parts = [], []
    for start in range(0, len(sentences), CHUNK):
        encoded = tokenizer.encode_batch(sentences[start:start + CHUNK])
        lengths = np.array([min(len(e), max_len) for e in encoded], dtype=np.int64)
        ids_parts.append(np.fromiter((t for e in encoded for t in e[:max_len]), dtype=dtype, count=int(lengths.sum())))
        lengths_parts.append(lengths)
    lengths = np.concatenate(lengths_parts) if lengths_parts else np.zeros(0, dtype=np.int64)
    ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, dtype=dtype)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    corpus = TokenizedCorpus(ids, offsets, doc_starts)
    if cache is not None:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, ids=ids, offsets=offsets, doc_starts=doc_starts)
    return corpus


def most_frequent_token_accuracy(corpus: TokenizedCorpus) -> tuple[int, float]:
    """The most frequent token id of a corpus and its share of all tokens in % (the MLM majority baseline)."""
    counts = np.bincount(corpus.ids.astype(np.int64))
    top = int(counts.argmax())
    return top, float(counts[top] / counts.sum() * 100)
