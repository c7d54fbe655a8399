"""Known-answer tests of utils/text/: the review grammar, cleaning, sentence splitting, tokenisers, corpora."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from utils import text

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_generators_are_deterministic_and_seed_dependent():
    assert text.generate_reviews(20, seed=3) == text.generate_reviews(20, seed=3)
    assert text.generate_reviews(20, seed=3) != text.generate_reviews(20, seed=4)
    assert text.generate_sst2_like(30, seed=1) == text.generate_sst2_like(30, seed=1)


def test_reviews_have_3_to_6_sentences_coherent_in_topic_and_sentiment():
    rng = np.random.default_rng(0)
    for _ in range(300):
        sentences, label, topic = text.generate_review(rng)
        assert 3 <= len(sentences) <= 6
        vocab = set(" ".join(text.TOPICS[topic]["nouns"] + text.TOPICS[topic]["aspects"]).split())
        assert any(w in vocab for w in sentences[0].split()), "the opener names the topic"
        assert all(text.sentence_sentiment(s) == label for s in sentences[1:]), sentences


def test_negation_flips_the_label():
    assert text.sentence_sentiment("the plot was good") == 1
    assert text.sentence_sentiment("the plot was not good") == 0
    assert text.sentence_sentiment("the plot was not very good") == 0
    assert text.sentence_sentiment("the plot was really bad") == 0
    assert text.sentence_sentiment("the plot was never bad") == 1
    assert text.sentence_sentiment("i would not recommend this movie to anyone") == 0
    assert text.sentence_sentiment("i would recommend this movie to anyone") == 1
    assert text.sentence_sentiment("we saw the movie at the cinema") is None
    rng = np.random.default_rng(0)
    phrases = [text.opinion_phrase(rng, 1, p_negate=1.0) for _ in range(50)]
    assert all(p.split()[0] in text.NEGATIONS and p.split()[-1] in text.NEGATIVE_WORDS for p in phrases)


def test_sst2_like_labels_are_balanced_and_match_the_rule():
    items = text.generate_sst2_like(400, seed=0)
    labels = [y for _, y in items]
    assert sum(labels) == 200
    assert all(text.sentence_sentiment(s) == y for s, y in items)
    assert any(" not " in s or " never " in s for s, _ in items)


def test_split_and_clean():
    raw = "I loved it.<br /><br />The acting was GREAT!! Was it perfect? No... but close."
    assert text.split_sentences(raw) == ["I loved it.", "The acting was GREAT!!", "Was it perfect?", "No...",
                                         "but close."]
    assert text.clean_sentence("The acting -- was GREAT!!") == "the acting was great"
    assert text.clean_sentence("I didn't like it...") == "i didn't like it"
    assert text.review_to_sentences("Bad. <br />Really &amp; truly bad!") == ["bad", "really truly bad"]


def test_wordpiece_tokenizer_and_corpus():
    docs = text.generate_reviews(200, seed=0)
    tok = text.train_wordpiece((s for d in docs for s in d), vocab_size=300)
    assert (tok.pad_id, tok.unk_id, tok.cls_id, tok.sep_id, tok.mask_id) == (0, 1, 2, 3, 4)
    assert tok.vocab_size <= 300
    assert tok.decode(tok.encode("the plot was not good")) == "the plot was not good"
    pieces = tok.tokens("unwatchable")
    assert len(pieces) > 1 and all(p.startswith("##") for p in pieces[1:])
    corpus = text.tokenize_corpus(docs, tok, max_len=5)
    assert len(corpus) == sum(map(len, docs)) and corpus.num_docs == 200
    assert corpus.lengths().max() <= 5
    assert corpus.sentence(0).tolist() == tok.encode(docs[0][0])[:5]
    assert corpus.doc_of(0) == 0 and corpus.doc_of(len(docs[0])) == 1
    top, share = text.most_frequent_token_accuracy(corpus)
    assert tok.id_to_token(top) == "the" and 0 < share < 100


def test_wordpiece_vocabulary_is_the_same_in_every_process():
    # The tokenizers library's own trainer broke ties in hash order, which differs per process:
    # the same seed then gave another vocabulary and another result. Build it in two processes.
    code = ("import sys; sys.path.insert(0, %r); from utils import text; "
            "docs = text.generate_reviews(300, seed=0); "
            "tok = text.train_wordpiece((s for d in docs for s in d), vocab_size=120); "
            "print(sorted(tok.backend.get_vocab().items(), key=lambda kv: kv[1]))" % str(REPO_ROOT))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and "'the'" in runs[0]


def test_tokenized_corpus_cache_roundtrip(tmp_path):
    docs = text.generate_reviews(30, seed=1)
    tok = text.train_wordpiece((s for d in docs for s in d), vocab_size=200)
    first = text.tokenize_corpus(docs, tok, 64, cache=tmp_path / "c.npz")
    second = text.tokenize_corpus(docs, tok, 64, cache=tmp_path / "c.npz")
    assert (tmp_path / "c.npz").exists()
    assert np.array_equal(first.ids, second.ids) and np.array_equal(first.doc_starts, second.doc_starts)


def test_a_cache_written_for_other_documents_is_tokenised_again(tmp_path, capsys):
    docs = text.generate_reviews(30, seed=1)
    tok = text.train_wordpiece((s for d in docs for s in d), vocab_size=200)
    text.tokenize_corpus(docs[:20], tok, 64, cache=tmp_path / "c.npz")  # e.g. a run on a slice, or older data
    again = text.tokenize_corpus(docs, tok, 64, cache=tmp_path / "c.npz")
    assert again.num_docs == 30 and "tokenising again" in capsys.readouterr().out
    assert np.array_equal(text.tokenize_corpus(docs, tok, 64, cache=tmp_path / "c.npz").ids, again.ids)


def test_tokenising_in_chunks_gives_the_same_corpus(monkeypatch):
    docs = text.generate_reviews(30, seed=2)
    tok = text.train_wordpiece((s for d in docs for s in d), vocab_size=200)
    whole = text.tokenize_corpus(docs, tok, 12)
    monkeypatch.setattr("utils.text.corpus.CHUNK", 7)
    chunked = text.tokenize_corpus(docs, tok, 12)
    assert all(np.array_equal(getattr(whole, k), getattr(chunked, k)) for k in ("ids", "offsets", "doc_starts"))


def test_smoke_profile_datasets_are_offline_and_disjoint():
    train = text.review_corpus("unsupervised", n_reviews=50, profile="smoke")
    test = text.review_corpus("test", n_reviews=50, profile="smoke")
    assert len(train) == 50 and train != test
    sst_train = text.sentiment_dataset("train", n=100, profile="smoke")
    sst_val = text.sentiment_dataset("validation", n=100, profile="smoke")
    assert len(sst_train) == 100 and sst_train != sst_val


def test_full_profile_offline_raises_the_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(text_error()) as err:
        text.pretrained_tokenizer("bert-base-uncased")
    assert "bert-base-uncased" in str(err.value) and "How to fix it" in str(err.value)


def text_error():
    from utils import DatasetUnavailableError
    return DatasetUnavailableError
