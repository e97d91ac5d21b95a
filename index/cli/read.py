"""Commands that read the index: stats, query and eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from ..errors import QuestionError
from ..textio import input_lines, json_line, printable
from .app import cli, friendly, shared_options


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@shared_options
@friendly
def stats(as_json: bool, index_dir: Path, model: str | None) -> None:
    """Show what the index holds: articles, sentences, speakers, model, size, build time."""
    from ..store.reader import IndexStore

    store = IndexStore.open(index_dir)
    try:
        m = store.manifest
        data = {
            "index": str(store.folder),
            "documents": m.documents,
            "sentences": m.sentences,
            "statements": store.count_statements(),
            "speakers": len({speaker.key for _, speaker in store.speakers()}),
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
@shared_options
@friendly
def query(question: str | None, as_json: bool, limit: int, offset: int, index_dir: Path, model: str | None) -> None:
    """Answer QUESTION; with no QUESTION, answer one question per line of standard input."""
    from ..ask.answer import answer, clean_question
    from ..ask.searcher import Searcher

    if question is not None:
        clean_question(question)  # refuse an empty question before loading the model
    searcher = Searcher.open(index_dir, model=model)
    try:
        if question is not None:
            _print_answer(answer(searcher, question, limit=limit, offset=offset), as_json, sys.stdout)
            return
        for line in input_lines(sys.stdin):  # a line that does not decode gets an error line; the rest go on
            if not line.text.strip() and line.error is None:
                continue
            error = line.error
            if error is None:
                try:
                    result = answer(searcher, line.text, limit=limit, offset=offset)
                except QuestionError as exc:
                    error = str(exc)
            if error is not None:
                payload: dict[str, Any] = {
                    "question": line.text.strip()[:200],
                    "answered": False,
                    "error": error,
                    "results": [],
                }
                click.echo(json_line(payload) if as_json else printable(f"Error: {error}"))
                continue
            _print_answer(result, as_json, sys.stdout)
            sys.stdout.flush()
    finally:
        searcher.close()


def _print_answer(result: Any, as_json: bool, out: TextIO) -> None:
    from ..ask.render import render_text

    if as_json:
        out.write(json_line(result.to_dict()) + "\n")
    else:
        out.write(render_text(result) + "\n")


@cli.command(name="eval")
@click.argument("questions", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="Also list every question with what each system returned.")
@shared_options
@friendly
def evaluate(questions: tuple[Path, ...], as_json: bool, details: bool, index_dir: Path, model: str | None) -> None:
    """Score question files (JSON Lines: question, kind, gold) for this system, plain dense and plain BM25.

    With several files (e.g. English, Russian and Ukrainian questions), a last table puts this system's scores for
    each file side by side, one row per file and its questions' language."""
    from ..ask.evaluate import evaluate_file, format_by_file, format_table
    from ..ask.searcher import Searcher

    searcher = Searcher.open(index_dir, model=model)
    try:
        reports = {path: evaluate_file(searcher, path) for path in questions}
    finally:
        searcher.close()
    if as_json:
        data = {str(path): report.to_dict() for path, report in reports.items()}
        click.echo(json.dumps(data[str(questions[0])] if len(questions) == 1 else data, ensure_ascii=False, indent=2))
        return
    for n, (path, report) in enumerate(reports.items()):
        click.echo(("\n" if n else "") + (f"{path}\n" if len(reports) > 1 else "") + format_table(report))
        if details:
            click.echo()
            click.echo(printable(report.details()))
    if len(reports) > 1:
        click.echo("\n" + format_by_file(reports))
