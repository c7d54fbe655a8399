"""The week's text datasets in both profiles: IMDb and SST-2 (full) or the review grammar (smoke)."""
from __future__ import annotations

from ..data import load_hf_dataset
from ..profiles import get_profile
from .cleaning import clean_sentence, review_to_sentences
from .grammar import generate_reviews, generate_sst2_like

IMDB_HUB_ID, SST2_HUB_ID = "stanfordnlp/imdb", "stanfordnlp/sst2"


def review_corpus(split: str, *, n_reviews: int | None = None, seed: int = 0,
                  profile: str | None = None) -> list[list[str]]:
    """Documents as lists of clean sentences: IMDb (``unsupervised``/``test``) in full, grammar reviews in smoke.

    ``n_reviews`` caps the number of IMDb reviews (``None``: all) and is the number of reviews generated in
    smoke (default 2,000; the ``test`` split uses another seed so it never repeats the training reviews).
    """
    profile = profile or get_profile()
    if profile == "smoke":
        return generate_reviews(n_reviews or 2000, seed=seed + (0 if split != "test" else 10_000))
    data = load_hf_dataset(IMDB_HUB_ID, split, name="IMDb")
    texts = data["text"] if n_reviews is None else data.select(range(min(n_reviews, len(data))))["text"]
    docs = [review_to_sentences(t) for t in texts]
    return [d for d in docs if d]


def sentiment_dataset(split: str, *, n: int | None = None, seed: int = 0,
                      profile: str | None = None) -> list[tuple[str, int]]:
    """Sentences with labels (1 positive): SST-2 ``train``/``validation`` in full, grammar sentences in smoke."""
    profile = profile or get_profile()
    if profile == "smoke":
        default = 2000 if split == "train" else 1000
        return generate_sst2_like(n or default, seed=seed + (20_000 if split == "train" else 30_000))
    data = load_hf_dataset(SST2_HUB_ID, split, name="SST-2")
    if n is not None:
        data = data.select(range(min(n, len(data))))
    return [(clean_sentence(s), int(y)) for s, y in zip(data["sentence"], data["label"])]
