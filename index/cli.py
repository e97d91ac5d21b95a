"""Operator command line: build, add, stats, query and eval (python -m index)."""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from . import config
from .errors import NewsIndexError, QuestionError
from .logs import log_path, setup_logging
from .options import index_dir_option, model_option

log = logging.getLogger("index")


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every command shares: --index-dir and --model, with their environment variables."""
    func = index_dir_option()(func)
    return model_option(
        f"Embedding model name or folder [build default: {config.DEFAULT_MODEL}; search default: the index's]."
    )(func)


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one line and unexpected ones into one line plus a logged traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsIndexError as exc:
            raise click.ClickException(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except Exception as exc:
            log.exception("unexpected error in %s", func.__name__)
            raise click.ClickException(
                f"Unexpected error: {type(exc).__name__}: {exc} (traceback in {log_path('index')})"
            ) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details to stderr.")
def cli(verbose: bool) -> None:
    """Build and query the news index: every answer is verbatim sentences from the corpus, with sources."""
    setup_logging("index", verbose)


def _progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


@cli.command()
@click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    envvar=config.ENV_CORPUS_DIR,
    default=str(config.DEFAULT_CORPUS_DIR),
    show_default=True,
    show_envvar=True,
    help="Corpus folder.",
)
@click.option("--if-stale", is_flag=True, help="Only build when the index is missing or the corpus or model changed.")
@click.option(
    "--index-type",
    default="auto",
    show_default=True,
    help="FAISS index: auto (exact below 50k sentences, IVF with fp16 codes above), Flat, or any FAISS factory string.",
)
@click.option("--progress/--no-progress", default=None, help="Show progress bars [default: when stderr is a terminal].")
@_options
@_friendly
def build(
    corpus: Path, if_stale: bool, index_type: str, progress: bool | None, index_dir: Path, model: str | None
) -> None:
    """Rebuild the whole index from a corpus folder and swap it in atomically."""
    from .build import build_index
    from .embed import canonical_model_name, load_encoder
    from .freshness import index_is_fresh

    name = config.model_name(model)
    if if_stale:
        fresh, reason = index_is_fresh(corpus, index_dir, canonical_model_name(name))
        if fresh:
            click.echo(f"Index at {index_dir} is up to date.")
            return
        click.echo(f"Building the index: {reason}.")
    started = time.perf_counter()
    report = build_index(corpus, index_dir, load_encoder(name), progress=_progress(progress), index_kind=index_type)
    _print_problems(report.problems)
    m = report.manifest
    click.echo(
        f"Indexed {m.documents} articles, {m.sentences} sentences with {m.model} ({m.faiss_index}) "
        f"in {time.perf_counter() - started:.1f}s -> {report.folder}"
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--progress/--no-progress", default=None, help="Show progress bars [default: when stderr is a terminal].")
@_options
@_friendly
def add(files: tuple[Path, ...], progress: bool | None, index_dir: Path, model: str | None) -> None:
    """Add article files to the index (same id replaces), embedding only the new articles."""
    from .build import add_articles
    from .embed import load_encoder
    from .store import read_manifest

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise click.ClickException(f"No such file: {', '.join(missing)}")
    manifest = read_manifest(index_dir)
    name = model or manifest.model
    started = time.perf_counter()
    report = add_articles(list(files), index_dir, load_encoder(name), progress=_progress(progress))
    _print_problems(report.problems)
    parts = [f"added {len(report.added)}"] + ([f"replaced {len(report.replaced)}"] if report.replaced else [])
    click.echo(
        f"{', '.join(parts).capitalize()} articles ({report.embedded} sentences embedded) in "
        f"{time.perf_counter() - started:.1f}s; the index now holds {report.manifest.documents} articles, "
        f"{report.manifest.sentences} sentences."
    )
    click.echo("Keep the files in the corpus folder too, so that the next full build includes them.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_options
@_friendly
def stats(as_json: bool, index_dir: Path, model: str | None) -> None:
    """Show what the index holds: articles, sentences, speakers, model, size, build time."""
    from .store import IndexStore

    store = IndexStore.open(index_dir)
    try:
        m = store.manifest
        speakers = {fields["key"] for _, fields in store.speaker_rows()}
        statements = store.count_statements()
        data = {
            "index": str(store.folder),
            "documents": m.documents,
            "sentences": m.sentences,
            "statements": statements,
            "speakers": len(speakers),
            "model": m.model,
            "dimension": m.dimension,
            "faiss_index": m.faiss_index,
            "size_bytes": store.size_bytes(),
            "built_at": m.built_at,
            "build_seconds": m.build_seconds,
            "format_version": m.format_version,
        }
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    width = max(len(k) for k in data)
    for key, value in data.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {value}")


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.option("-n", "--limit", default=5, show_default=True, type=click.IntRange(1, 50), help="Sentences to show.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many results (paging).")
@_options
@_friendly
def query(question: str | None, as_json: bool, limit: int, offset: int, index_dir: Path, model: str | None) -> None:
    """Answer QUESTION; with no QUESTION, answer one question per line of standard input."""
    from .answer import answer, clean_question
    from .search import Searcher

    if question is not None:
        clean_question(question)  # refuse an empty question before loading the model
    searcher = Searcher.open(index_dir, model=model)
    try:
        if question is not None:
            _print_answer(answer(searcher, question, limit=limit, offset=offset), as_json, sys.stdout)
            return
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                result = answer(searcher, line, limit=limit, offset=offset)
            except QuestionError as exc:
                payload = {"question": line.strip()[:200], "answered": False, "error": str(exc), "results": []}
                click.echo(json.dumps(payload, ensure_ascii=False) if as_json else f"Error: {exc}")
                continue
            _print_answer(result, as_json, sys.stdout)
            sys.stdout.flush()
    finally:
        searcher.close()


def _print_answer(result: Any, as_json: bool, out: TextIO) -> None:
    from .render import render_text

    if as_json:
        out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(render_text(result) + "\n")


@cli.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="Also list every question with what each system returned.")
@_options
@_friendly
def evaluate(questions: Path, as_json: bool, details: bool, index_dir: Path, model: str | None) -> None:
    """Score a question file (JSON Lines: question, kind, gold) for this system, plain dense and plain BM25."""
    from .evaluate import evaluate_file, format_table
    from .search import Searcher

    searcher = Searcher.open(index_dir, model=model)
    try:
        report = evaluate_file(searcher, questions)
    finally:
        searcher.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_table(report))
    if details:
        click.echo()
        click.echo(report.details())


def _print_problems(problems: list[Any]) -> None:
    for problem in problems:
        click.echo(f"warning: skipped {problem}", err=True)


def main() -> None:
    """Run the command line."""
    cli(prog_name="python -m index")
