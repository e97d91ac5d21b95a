"""Commands that change the index: build and remove (each holds the index's write lock); add is in news.py."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from .. import config
from .app import cli, friendly, print_problems, shared_options, show_progress
from .options import corpus_option

_PROGRESS = click.option(
    "--progress/--no-progress", default=None, help="Show progress bars [default: when stderr is a terminal]."
)


@cli.command()
@corpus_option()
@click.option("--if-stale", is_flag=True, help="Only build when the index is missing or the corpus or model changed.")
@click.option(
    "--index-type",
    default="auto",
    show_default=True,
    help="FAISS index: auto (exact below 50k sentences, IVF with fp16 codes above), Flat, or any FAISS factory string.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    envvar="NEWSBOT_ENGINE",
    show_envvar=True,
    help="Where analysis and embedding run: this machine's cores, or Ray (local Ray, or the cluster in RAY_ADDRESS).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: counts, seconds and seconds per stage.")
@_PROGRESS
@shared_options
@friendly
def build(
    corpus: Path,
    if_stale: bool,
    index_type: str,
    engine: str,
    as_json: bool,
    progress: bool | None,
    index_dir: Path,
    model: str | None,
) -> None:
    """Rebuild the whole index from a corpus folder and swap it in atomically."""
    from ..build.freshness import index_is_fresh
    from ..build.full import build_articles, load_articles
    from ..embed.factory import load_channels, load_encoder
    from ..embed.models import canonical_model_name
    from ..ingest.analyse import sample_sentences
    from ..stopwatch import Stopwatch

    name = config.model_name(model)
    if if_stale:
        fresh, reason = index_is_fresh(corpus, index_dir, canonical_model_name(name))
        if fresh:
            click.echo(f"Index at {index_dir} is up to date.")
            return
        click.echo(f"Building the index: {reason}.")
    started = time.perf_counter()
    clock = Stopwatch()
    with clock("load"):
        articles, problems = load_articles(corpus)
    with clock("model"):
        encoder = load_encoder(name, calibration=lambda: sample_sentences(articles))
        channels = load_channels()
    try:
        report = build_articles(
            articles, index_dir, encoder, problems=problems, progress=show_progress(progress),
            index_kind=index_type, clock=clock, engine=engine, channels=channels,
        )  # fmt: skip
    finally:
        close = getattr(encoder, "close", None)
        if close is not None:
            close()
    print_problems(report.problems)
    m = report.manifest
    if as_json:
        summary = {
            "documents": m.documents, "sentences": m.sentences, "faiss_index": m.faiss_index, "engine": engine,
            "seconds": round(time.perf_counter() - started, 3), "folder": str(report.folder),
            "problems": len(report.problems), "stages": {k: round(v, 3) for k, v in report.stages.items()},
        }  # fmt: skip
        click.echo(json.dumps(summary))
        return
    click.echo(
        f"Indexed {m.documents} articles, {m.sentences} sentences with {m.model} ({m.faiss_index}) "
        f"in {time.perf_counter() - started:.1f}s -> {report.folder}"
    )


@cli.command()
@click.argument("doc_ids", nargs=-1, required=True, metavar="ID_OR_URL...")
@corpus_option("Corpus folder: the copies `add` kept in its fetched/ sub-folder are deleted too.")
@shared_options
@friendly
def remove(doc_ids: tuple[str, ...], corpus: Path, index_dir: Path, model: str | None) -> None:
    """Remove articles from the index by id (as `list` or `query --json` show it) or by URL."""
    from ..build.incremental import remove_articles
    from .ingesting import forget_removed, resolve_refs

    started = time.perf_counter()
    report = remove_articles(resolve_refs(index_dir, doc_ids), index_dir)
    deleted = forget_removed(index_dir, corpus, report.removed)
    print_problems(report.problems)
    click.echo(
        f"Removed {len(report.removed)} article{'' if len(report.removed) == 1 else 's'} in "
        f"{time.perf_counter() - started:.1f}s; the index now holds {report.manifest.documents} articles, "
        f"{report.manifest.sentences} sentences."
    )
    if deleted:
        copies = "saved copy" if len(deleted) == 1 else "saved copies"
        click.echo(f"Deleted {len(deleted)} {copies} of extracted articles in {corpus / 'fetched'}.")
    if len(deleted) < len(report.removed):
        click.echo("Remove the files from the corpus folder too, or the next full build brings them back.")
