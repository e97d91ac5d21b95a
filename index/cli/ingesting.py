"""What `add` and `watch` share: read inputs, keep only new and changed articles, add them, keep their copies.

An article is new when the index holds no article with its id, changed when it holds one with another fingerprint,
and unchanged otherwise; only new and changed ones are embedded, so adding the same feed twice changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..build.full import BuildReport
from ..embed.base import Encoder
from ..errors import CorpusError
from ..ingest.corpus import CorpusProblem
from ..ingest.sources.fetch import Fetcher
from ..ingest.sources.inputs import gather
from ..ingest.sources.saved import delete_saved, save_article
from ..ingest.sources.state import FeedStates
from ..ingest.urls import BadURL, canonical_url, is_url
from ..store.layout import TABLE, current_build
from ..store.manifest import read_build_manifest
from ..store.table import Document, SentenceTable

log = logging.getLogger("index.news")

EncoderFactory = Callable[[str, Sequence[str]], Encoder]


@dataclass
class AddOutcome:
    """What one add (or one poll of watch) did."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    fetched: int = 0
    failed: int = 0
    problems: list[CorpusProblem] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    report: BuildReport | None = None


@contextlib.contextmanager
def open_table(root: Path) -> Iterator[SentenceTable]:
    """Open the sentence table of the current build (no vectors or BM25 are loaded)."""
    folder = current_build(root)
    read_build_manifest(folder)  # refuses a build of another format
    table = SentenceTable(folder / TABLE)
    try:
        yield table
    finally:
        table.close()


def add_inputs(
    inputs: Sequence[str],
    root: Path,
    encoder_for: EncoderFactory,
    *,
    fetcher: Fetcher | None,
    corpus: Path | None,
    progress: bool = False,
) -> AddOutcome:
    """Add what the inputs hold that the index does not have yet (or has in another version)."""
    from ..build.incremental import add_articles
    from ..ingest.analyse import sample_sentences

    with open_table(root) as table:
        held = table.fingerprints()
        model = read_build_manifest(current_build(root)).model
    states = FeedStates.load(root)
    got = gather(inputs, fetcher, states, held)
    changed = [a for a in got.articles if held.get(a.doc_id) != a.fingerprint]
    outcome = AddOutcome(
        new=[a.doc_id for a in changed if a.doc_id not in held],
        updated=[a.doc_id for a in changed if a.doc_id in held],
        unchanged=len(got.articles) - len(changed) + got.unchanged,
        fetched=got.fetched,
        failed=got.failed,
        problems=list(got.problems),
    )
    if not got.articles and not got.unchanged and got.problems:
        raise CorpusError("Nothing added: " + "; ".join(str(p) for p in got.problems))
    if changed:
        encoder = encoder_for(model, sample_sentences(changed))
        outcome.report = add_articles(changed, root, encoder, problems=(), progress=progress)
        if corpus is not None:
            outcome.saved = [save_article(a, corpus) for a in changed if a.doc_id in got.extracted]
    for keep in got.pending:
        keep(states)
    if got.pending:
        states.save()
    return outcome


def resolve_refs(root: Path, refs: Sequence[str]) -> list[str]:
    """Map each reference to an article id: an id as it is, a URL to the article with that id or URL.

    A reference that matches nothing is passed on unchanged, for the remove to report.
    """
    with open_table(root) as table:
        docs = table.documents()
    ids = {d.doc_id for d in docs}
    by_url = _by_url(docs)
    out: list[str] = []
    for ref in refs:
        if ref in ids or not is_url(ref):
            out.append(ref)
            continue
        try:
            key = canonical_url(ref)
        except BadURL:
            out.append(ref)
            continue
        out.extend(by_url.get(key, [ref]))
    return list(dict.fromkeys(out))


def forget_removed(root: Path, corpus: Path | None, doc_ids: Sequence[str]) -> list[Path]:
    """After a remove: feeds do not bring the articles back, and their saved copies leave the corpus folder."""
    states = FeedStates.load(root)
    if states.feeds:
        states.mark_removed(set(doc_ids))
        states.save()
    if corpus is None:
        return []
    return [p for p in (delete_saved(corpus, d) for d in doc_ids) if p is not None]


def _by_url(docs: Sequence[Document]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for doc in docs:
        for value in (doc.doc_id, doc.url):
            if value and is_url(value):
                with contextlib.suppress(BadURL):
                    found.setdefault(canonical_url(value), []).append(doc.doc_id)
    return {k: list(dict.fromkeys(v)) for k, v in found.items()}
