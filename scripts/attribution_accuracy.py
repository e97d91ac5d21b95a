#!/usr/bin/env python3
"""Per-sentence attribution accuracy against PolNeAR's hand annotations (a split written by polnear.py prepare).

    python -m scripts.attribution_accuracy SPLIT [--attributor module:function] [--dump errors.jsonl]

Every article of SPLIT/corpus is segmented and attributed as a build does. A sentence is an annotated statement
when it overlaps the content of an attribution whose cue is an act of speech (the scorer's `speech` flag); it is
"thought" when it overlaps only other attributions (believes, hopes, plans). The table reports:
  statement precision/recall   the sentence's statement verdict against the annotated statements
  thought FP                   share of predicted statements that overlap only a non-speech attribution
  cue accuracy                 predicted cue (not a propagated quote) shares a word with an annotated cue
  speaker accuracy (person)    where annotators named a person, the predicted speaker is that person
                               (the speaker directory of the article matches the person's name to it)
  speaker accuracy (named)     where the annotated source is any name, role or organisation (not a pronoun),
                               the predicted speaker's name, aliases or descriptions share its last word
  attribution ms / 1,000 sentences   time spent in attribution alone
--dump writes every error (kind, sentence, annotation, prediction) for reading; it holds third-party text,
so keep it outside the repository.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import time
from pathlib import Path

from index.ask.speakers import SpeakerDirectory
from index.ingest.attribution import normalize_key
from index.ingest.corpus import load_corpus
from index.ingest.segment import split_sentences

PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "his", "her", "their", "him", "them", "its", "our"}


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return min(a1, b1) - max(a0, b0) > 0


def _words(text: str) -> set[str]:
    return {w[:5] for w in normalize_key(text).split()}


def load_attributor(spec: str):
    """'module:function' returning (attributions, speakers) for (text, spans, title)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "attribute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split", type=Path)
    parser.add_argument("--attributor", default="index.ingest.attribution:attribute")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args()
    attribute = load_attributor(args.attributor)
    articles, _ = load_corpus(args.split / "corpus")
    if args.limit:
        articles = articles[: args.limit]
    annotations = collections.defaultdict(list)
    for line in (args.split / "attributions.jsonl").read_text(encoding="utf-8").splitlines():
        a = json.loads(line)
        annotations[a["doc_id"]].append(a)
    c = collections.Counter()
    errors = []
    elapsed = 0.0
    for article in articles:
        spans = split_sentences(article.text, article.body_start)
        t0 = time.perf_counter()
        attributions, speakers = attribute(article.text, spans, article.title)
        elapsed += time.perf_counter() - t0
        c["sentences"] += len(spans)
        directory = SpeakerDirectory(speakers)
        by_key = {s.key: s for s in speakers}
        for span, attr in zip(spans, attributions, strict=True):
            text = article.text[span.start : span.end]
            over = [a for a in annotations[article.doc_id] if _overlap(span.start, span.end, a["start"], a["end"])]
            speech = [a for a in over if a["speech"]]
            gold = bool(speech)
            pred = attr.statement
            predicted = attr.speakers
            c["gold"] += gold
            c["pred"] += pred
            c["tp"] += gold and pred
            row = {
                "doc": article.doc_id,
                "text": text,
                "pred_cue": attr.cue,
                "pred_speakers": predicted,
                "gold": [(a["source"], a["cue"], a["person"]) for a in over],
            }
            if pred and not gold:
                kind = "fp_thought" if over else "fp"
                c[kind] += 1
                errors.append({"kind": kind, **row})
            if gold and not pred:
                errors.append({"kind": "fn", **row})
            if not (gold and pred):
                continue
            if attr.cue == "quote":
                c["cue_quote"] += 1
            else:
                c["cue_n"] += 1
                if any(_words(attr.cue or "") & _words(a["cue"]) for a in speech):
                    c["cue_ok"] += 1
                else:
                    errors.append({"kind": "cue", **row})
            persons = {a["person"] for a in speech if a["person"]}
            if persons:
                c["person_n"] += 1
                ok = any(k in directory.match(p) for p in persons for k in predicted)
                c["person_ok"] += ok
                if not ok:
                    errors.append({"kind": "person", **row})
            named = [a["source"] for a in speech if a["source"] and normalize_key(a["source"]) not in PRONOUNS]
            if named:
                c["named_n"] += 1
                known = set()
                for sp in (by_key[k] for k in predicted if k in by_key):
                    for t in (sp.key, sp.name, *sp.aliases, *sp.descriptions):
                        known |= set(normalize_key(t).split())
                ok = any(normalize_key(n).split()[-1:] and normalize_key(n).split()[-1] in known for n in named)
                c["named_ok"] += ok
                if not ok:
                    errors.append({"kind": "named", **row})
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for e in errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    rows = [
        ("articles", len(articles)),
        ("sentences", c["sentences"]),
        ("annotated statements", c["gold"]),
        ("predicted statements", c["pred"]),
        ("statement precision", c["tp"] / max(c["pred"], 1)),
        ("statement recall", c["tp"] / max(c["gold"], 1)),
        ("FP on thoughts (share of pred)", c["fp_thought"] / max(c["pred"], 1)),
        ("cue accuracy", c["cue_ok"] / max(c["cue_n"], 1)),
        ("propagated quotes (share of TP)", c["cue_quote"] / max(c["tp"], 1)),
        ("speaker accuracy (person)", c["person_ok"] / max(c["person_n"], 1)),
        ("  sentences", c["person_n"]),
        ("speaker accuracy (named)", c["named_ok"] / max(c["named_n"], 1)),
        ("  sentences", c["named_n"]),
        ("attribution ms / 1,000 sentences", 1000 * 1000 * elapsed / max(c["sentences"], 1)),
    ]
    for name, value in rows:
        print(f"{name:<34}{value:>10.3f}" if isinstance(value, float) else f"{name:<34}{value:>10}")


if __name__ == "__main__":
    main()
