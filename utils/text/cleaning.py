"""Cleaning raw review text and splitting it into sentences (no nltk needed)."""
from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
# A sentence ends at ., ! or ? (possibly repeated) followed by whitespace and the next sentence's start.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Za-z0-9])")
_NON_TEXT = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Split raw text into sentences at ., ! or ? followed by whitespace (HTML tags become spaces first)."""
    text = _TAG.sub(" ", html.unescape(text))
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def clean_sentence(sentence: str) -> str:
    """Lower-case, drop punctuation/HTML leftovers (apostrophes kept), collapse whitespace."""
    return _SPACES.sub(" ", _NON_TEXT.sub(" ", sentence.lower())).strip()


def review_to_sentences(text: str, min_words: int = 1) -> list[str]:
    """Clean sentences of one raw review (sentences with fewer than ``min_words`` words are dropped)."""
    cleaned = (clean_sentence(s) for s in split_sentences(text))
    return [s for s in cleaned if len(s.split()) >= min_words]
