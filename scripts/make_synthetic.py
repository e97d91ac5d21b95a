"""Synthetic scale data from the real corpus: varied sentences, articles, and vectors perturbed from real embeddings.

As a script it writes a synthetic corpus folder (JSON Lines articles) that `python -m index build --corpus` can index:

    .venv/bin/python -m scripts.make_synthetic --sentences 100000 --out var/synthetic-corpus
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.config import corpus_dir
from index.ingest.corpus import Article, load_corpus
from index.ingest.records import SentenceRecord
from index.ingest.segment import split_sentences

SENTENCES_PER_ARTICLE = 25
SENTENCES_PER_PARAGRAPH = 5
# Noise added to a mix of two real embeddings, as a fraction of a unit vector's length (see synthetic_vectors).
VECTOR_NOISE = 1.0


def real_sentences(folder: Path | None = None) -> list[str]:
    """Return the sentences of the real corpus, as the index splits them."""
    articles, _ = load_corpus(folder or corpus_dir())
    return [a.text[s.start : s.end] for a in articles for s in split_sentences(a.text, a.body_start)]


def vary(sentence: str, rng: random.Random, vocabulary: Sequence[str], other: str | None = None) -> str:
    """Return a variant: optionally the head of one sentence joined to the tail of another, then word changes."""
    words = sentence.split()
    if other is not None:
        tail = other.split()
        words = words[: rng.randint(3, max(len(words), 3))] + tail[rng.randint(0, max(len(tail) - 1, 0)) :]
    words = words[:60] or ["News"]
    for _ in range(rng.randint(1, 3)):  # substitutions from the corpus vocabulary
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    if len(words) > 6 and rng.random() < 0.3:  # a local shuffle
        i = rng.randrange(len(words) - 3)
        window = words[i : i + 3]
        rng.shuffle(window)
        words[i : i + 3] = window
    text = " ".join(words)
    return text if text.endswith((".", "?", "!", "’", "”")) else text + "."


def synthetic_sentences(real: Sequence[str], count: int, seed: int = 0) -> list[str]:
    """Return count sentences recombined from real ones (head of one + tail of another, word substitutions)."""
    rng = random.Random(seed)
    vocabulary = sorted({w for s in real for w in s.split()})
    return [vary(rng.choice(real), rng, vocabulary, rng.choice(real)) for _ in range(count)]


def synthetic_vectors(
    base: np.ndarray, count: int, seed: int = 0, noise: float = VECTOR_NOISE
) -> tuple[np.ndarray, np.ndarray]:
    """Return (count unit vectors, the base row each came from): base[a] + u*base[b] + Gaussian noise, normalised.

    u is uniform in [0, 0.6]; the noise has expected length `noise`, so neighbours are about as far apart as
    related sentences of a real news corpus (top-1 cosine ~0.6) rather than near-duplicates.
    """
    rng = np.random.default_rng(seed)
    out = np.empty((count, base.shape[1]), dtype=np.float32)
    origin = rng.integers(0, len(base), count)
    for start in range(0, count, 100_000):
        end = min(start + 100_000, count)
        n = end - start
        mix = rng.uniform(0.0, 0.6, (n, 1)).astype(np.float32)
        rows = base[origin[start:end]] + mix * base[rng.integers(0, len(base), n)]
        rows += rng.standard_normal((n, base.shape[1]), dtype=np.float32) * np.float32(noise / np.sqrt(base.shape[1]))
        out[start:end] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out, origin


@dataclass
class SyntheticArticles:
    """Articles built from sentences, with their sentence records (sids from first_sid on)."""

    articles: list[Article]
    records: list[SentenceRecord]


def synthetic_articles(sentences: Sequence[str], first_sid: int = 0, prefix: str = "synthetic") -> SyntheticArticles:
    """Group sentences into articles of paragraphs, recording each sentence's exact offsets."""
    articles: list[Article] = []
    records: list[SentenceRecord] = []
    for number, start in enumerate(range(0, len(sentences), SENTENCES_PER_ARTICLE)):
        chunk = sentences[start : start + SENTENCES_PER_ARTICLE]
        title = " ".join(chunk[0].split()[:8]).rstrip(".,;:")
        text = title + "\n\n"
        body_start = len(text)
        doc_id = f"{prefix}-{number:07d}"
        for position, sentence in enumerate(chunk):
            paragraph = position // SENTENCES_PER_PARAGRAPH
            if position and position % SENTENCES_PER_PARAGRAPH == 0:
                text += "\n\n"
            elif position:
                text += " "
            records.append(
                SentenceRecord(
                    sid=first_sid + len(records),
                    doc_id=doc_id,
                    paragraph=paragraph,
                    position=position,
                    start=len(text),
                    end=len(text) + len(sentence),
                    text=sentence,
                )
            )
            text += sentence
        articles.append(Article(doc_id=doc_id, title=title, text=text + "\n", body_start=body_start, language="en"))
    return SyntheticArticles(articles, records)


def iter_jsonl(articles: Sequence[Article]) -> Iterator[str]:
    """Yield one JSON line per article, in the corpus's JSON Lines format."""
    for a in articles:
        yield json.dumps({"id": a.doc_id, "title": a.title, "text": a.text[a.body_start :]}, ensure_ascii=False)


def main() -> None:
    """Write a synthetic corpus folder."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = synthetic_articles(synthetic_sentences(real_sentences(), args.sentences, args.seed))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "synthetic.jsonl"
    path.write_text("\n".join(iter_jsonl(made.articles)) + "\n", encoding="utf-8")
    print(f"Wrote {len(made.articles)} articles ({len(made.records)} sentences) to {path}")


if __name__ == "__main__":
    main()
