"""The review grammar: offline reviews and SST-2-like sentences with sentiment known by construction (week 3 smoke)."""
from __future__ import annotations

import numpy as np

TOPICS: dict[str, dict[str, list[str]]] = {
    "movie": {"nouns": ["movie", "film"],
              "aspects": ["acting", "plot", "story", "soundtrack", "ending", "dialogue", "cast", "script"],
              "openers": ["i watched this {noun} last night", "we saw the {noun} at the cinema",
                          "my friends and i rented this {noun}"]},
    "restaurant": {"nouns": ["restaurant", "place"],
                   "aspects": ["food", "service", "pasta", "dessert", "staff", "menu", "pizza", "wine"],
                   "openers": ["we had dinner at this {noun}", "i ate lunch at the {noun} today",
                               "my family booked a table at this {noun}"]},
    "book": {"nouns": ["book", "novel"],
             "aspects": ["writing", "chapters", "characters", "prose", "author", "plot twist", "cover", "pacing"],
             "openers": ["i read this {noun} on holiday", "i finished the {noun} in two days",
                         "a friend gave me this {noun}"]},
    "hotel": {"nouns": ["hotel", "resort"],
              "aspects": ["room", "bed", "breakfast", "pool", "location", "reception", "view", "bathroom"],
              "openers": ["we stayed at this {noun} for a week", "i booked the {noun} for a weekend",
                          "our family spent the summer at this {noun}"]},
    "phone": {"nouns": ["phone", "device"],
              "aspects": ["battery", "screen", "camera", "speaker", "design", "software", "charger", "price"],
              "openers": ["i bought this {noun} last month", "i have used the {noun} every day",
                          "my brother ordered this {noun} online"]},
    "concert": {"nouns": ["concert", "show"],
                "aspects": ["band", "singer", "sound", "crowd", "venue", "lights", "drummer", "tickets"],
                "openers": ["we went to the {noun} on friday", "i got tickets for this {noun}",
                            "my sister took me to the {noun}"]},
}
# A small opinion lexicon on purpose: each adjective occurs often enough in 2,000 reviews for a CPU-minute
# model to learn which adjectives can replace each other, i.e. their polarity.
POSITIVE_WORDS = ["good", "great", "excellent", "wonderful", "amazing"]
NEGATIVE_WORDS = ["bad", "terrible", "awful", "boring", "poor"]
INTENSIFIERS = ["very", "really", "extremely", "quite", "truly", "so"]
NEGATIONS = ["not", "never"]
P_NEGATE = 0.1  # share of opinions that are negated ("not good" is negative)
RECOMMEND = {1: ["i would recommend this {noun} to anyone", "i will come back to this {noun} again",
                 "i would happily recommend the {noun} to my friends"],
             0: ["i would not recommend this {noun} to anyone", "i will never come back to this {noun}",
                 "i would warn my friends about the {noun}"]}
# Opinion templates; most hold two opinions of the same sentiment: to fill in a masked adjective a model must
# read the sentiment of the other opinion (through its negation), so masked language modelling rewards
# encoding sentiment. {aspect}/{aspect2}/{noun} come from the topic, {opinion}/{opinion2} are
# [negation] [intensifier] adjective.
OPINIONS = ["the {aspect} {was} {opinion} and the {aspect2} {was2} {opinion2}",
            "i found the {aspect} {opinion} and the {aspect2} {opinion2}",
            "the {aspect} {was} {opinion} just like the {aspect2}",
            "this {noun} was {opinion} and its {aspect} {was} {opinion2}"]
VERDICT_WORDS = {"recommend": 1, "back": 1, "warn": 0}  # the verbs that carry a verdict's sentiment
SENTIMENT_NAMES = ["negative", "positive"]


def polarity(word: str) -> int | None:
    """Polarity of an opinion adjective: 1 positive, 0 negative, None if it is not one."""
    return 1 if word in POSITIVE_WORDS else 0 if word in NEGATIVE_WORDS else None


def sentence_sentiment(sentence: str) -> int | None:
    """Rule-based label of a grammar sentence: its adjective's (or verdict verb's) polarity, flipped by a negation."""
    words = sentence.split()
    for i, word in enumerate(words):
        pol = polarity(word)
        if pol is not None:
            negated = any(w in NEGATIONS for w in words[max(0, i - 3):i])
            return pol ^ int(negated)
        verdict = VERDICT_WORDS.get(word)
        if verdict is not None:
            negated = any(w in NEGATIONS for w in words[max(0, i - 3):i])
            return verdict ^ int(negated)
    return None


def opinion_words(sentence: str) -> set[str]:
    """The opinion adjectives of the grammar's lexicon that occur in a sentence."""
    return {w for w in sentence.split() if polarity(w) is not None}


def opinion_phrase(rng: np.random.Generator, label: int, p_negate: float = P_NEGATE, p_intensify: float = 0.5
                   ) -> str:
    """An opinion with sentiment ``label``: [negation] [intensifier] adjective ("not very good" is negative)."""
    negated = rng.random() < p_negate
    words = POSITIVE_WORDS if (label ^ int(negated)) == 1 else NEGATIVE_WORDS
    parts = [str(rng.choice(NEGATIONS))] if negated else []
    if rng.random() < p_intensify:
        parts.append(str(rng.choice(INTENSIFIERS)))
    parts.append(str(rng.choice(words)))
    return " ".join(parts)


def opinion_sentence(rng: np.random.Generator, topic: str, label: int, p_negate: float = P_NEGATE) -> str:
    """One sentence about ``topic`` whose opinions all carry sentiment ``label`` (1 positive, 0 negative)."""
    spec = TOPICS[topic]
    aspect, aspect2 = rng.choice(spec["aspects"], size=2, replace=False)
    template = str(rng.choice(OPINIONS))
    return template.format(aspect=aspect, aspect2=aspect2, was=_was(aspect), was2=_was(aspect2),
                           noun=str(rng.choice(spec["nouns"])), opinion=opinion_phrase(rng, label, p_negate),
                           opinion2=opinion_phrase(rng, label, p_negate))


def _was(noun: str) -> str:
    """Past tense of "to be" agreeing with a (plural if it ends in s) noun."""
    return "were" if noun.endswith("s") else "was"


def generate_review(rng: np.random.Generator, min_sentences: int = 3, max_sentences: int = 6
                    ) -> tuple[list[str], int, str]:
    """One review ``(sentences, label, topic)``: an opener, opinions of one sentiment, maybe a verdict."""
    topic = str(rng.choice(list(TOPICS)))
    label = int(rng.integers(2))
    noun = str(rng.choice(TOPICS[topic]["nouns"]))
    n = int(rng.integers(min_sentences, max_sentences + 1))
    sentences = [str(rng.choice(TOPICS[topic]["openers"])).format(noun=noun)]
    sentences += [opinion_sentence(rng, topic, label) for _ in range(n - 2)]
    if rng.random() < 0.7:
        sentences.append(str(rng.choice(RECOMMEND[label])).format(noun=noun))
    else:
        sentences.append(opinion_sentence(rng, topic, label))
    return sentences, label, topic


def generate_reviews(n: int, seed: int = 0) -> list[list[str]]:
    """``n`` grammar reviews, each a list of 3-6 sentences coherent in topic and sentiment (deterministic)."""
    rng = np.random.default_rng(seed)
    return [generate_review(rng)[0] for _ in range(n)]


def generate_sst2_like(n: int, seed: int = 0, p_negate: float = P_NEGATE) -> list[tuple[str, int]]:
    """``n`` single opinion sentences ``(sentence, label)`` with balanced labels, like SST-2 (deterministic)."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        label = i % 2
        topic = str(rng.choice(list(TOPICS)))
        items.append((opinion_sentence(rng, topic, label, p_negate), label))
    order = rng.permutation(n)
    return [items[i] for i in order]
