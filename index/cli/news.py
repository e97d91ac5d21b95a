"""Commands that bring news in and show what is there: add (files, folders, globs, pages, feeds, URLs), list, watch."""

from __future__ import annotations

import json
import logging
import re
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ..errors import NewsIndexError
from .app import cli, friendly, print_problems, shared_options, show_progress
from .ingesting import AddOutcome, add_inputs, open_table
from .options import corpus_option

log = logging.getLogger("index.news")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _fetch_options(func: Any) -> Any:
    func = click.option(
        "--timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1), help="Seconds per request."
    )(func)
    func = click.option(
        "--max-size", default=5.0, show_default=True, type=click.FloatRange(min=0.01), help="Largest page or feed, MB."
    )(func)
    return click.option(
        "--save/--no-save",
        default=True,
        show_default=True,
        help="Keep what is extracted from pages and feeds as Markdown in <corpus>/fetched/, so a full build has it.",
    )(func)


_SAVE_HELP = "Corpus folder whose fetched/ sub-folder keeps the extracted articles."


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@corpus_option(_SAVE_HELP)
@_fetch_options
@click.option("--progress/--no-progress", default=None, help="Show progress bars [default: when stderr is a terminal].")
@shared_options
@friendly
def add(
    inputs: tuple[str, ...],
    corpus: Path,
    save: bool,
    max_size: float,
    timeout: float,
    progress: bool | None,
    index_dir: Path,
    model: str | None,
) -> None:
    """Add articles from files, folders, globs, HTML pages, RSS/Atom feeds and their http(s) URLs.

    Only new and changed articles are embedded (an article from a URL is identified by its canonical URL, else its
    feed GUID, else a hash of its text), so adding the same feed again changes nothing. A dead URL or an input that
    is neither an article, a page nor a feed is reported and the other inputs are still added.
    """
    from ..ingest.sources.inputs import missing_paths

    missing = missing_paths(inputs)
    if missing:
        raise click.ClickException(f"No such file: {', '.join(missing)}")
    started = time.perf_counter()
    with _fetcher(timeout, max_size) as fetcher:
        outcome = add_inputs(
            inputs, index_dir, _encoder_factory(model), fetcher=fetcher, corpus=corpus if save else None,
            progress=show_progress(progress),
        )  # fmt: skip
    print_problems(outcome.problems)
    click.echo(_summary(outcome, time.perf_counter() - started))
    if outcome.saved:
        click.echo(f"Saved {len(outcome.saved)} extracted articles in {corpus / 'fetched'} for the next full build.")
    elif outcome.report is not None and not save:
        click.echo("Keep the files in the corpus folder too, so that the next full build includes them.")


@cli.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--source", "sources", multiple=True, help="Only articles whose publisher or web site contains this.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after this date.")
@shared_options
@friendly
def list_articles(as_json: bool, sources: tuple[str, ...], since: Any, index_dir: Path, model: str | None) -> None:
    """List the articles in the index: id, title, publisher, date, URL and sentence count."""
    from urllib.parse import urlsplit

    with open_table(index_dir) as table:
        docs = table.documents()
        counts = table.sentence_counts()
    rows: list[dict[str, Any]] = [
        {
            "id": d.doc_id,
            "title": d.title,
            "publisher": d.source,
            "published": d.published,
            "url": d.url,
            "sentences": counts.get(d.doc_id, 0),
            "author": d.author,
            "language": d.language,
        }
        for d in docs
    ]
    if sources:
        wanted = [s.casefold() for s in sources]
        rows = [
            r for r in rows
            if any(w in (r["publisher"] or "").casefold() or w in urlsplit(r["url"] or "").netloc.casefold()
                   for w in wanted)
        ]  # fmt: skip
    if since is not None:
        day = since.date().isoformat()
        rows = [r for r in rows if r["published"] and str(r["published"])[:10] >= day]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        fields = [r["id"], r["title"], r["publisher"] or "-", r["published"] or "-", r["url"] or "-", r["sentences"]]
        click.echo("\t".join(str(f) for f in fields))
    click.echo(f"{len(rows)} article{'' if len(rows) == 1 else 's'}", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--every", default="15m", show_default=True, help="Time between polls: 90, 30s, 15m, 1h.")
@click.option("--polls", type=click.IntRange(min=1), help="Stop after this many polls [default: run until stopped].")
@corpus_option(_SAVE_HELP)
@_fetch_options
@shared_options
@friendly
def watch(
    inputs: tuple[str, ...],
    every: str,
    polls: int | None,
    corpus: Path,
    save: bool,
    max_size: float,
    timeout: float,
    index_dir: Path,
    model: str | None,
) -> None:
    """Poll feeds and pages, adding what is new or changed, until stopped (Ctrl-C or SIGTERM).

    Each poll logs one line (fetched, new, updated, unchanged, failed); feeds that did not change since the last poll
    answer 304 to their ETag / Last-Modified. A running bot picks up every new build by itself.
    """
    from ..store.layout import current_build

    interval = parse_duration(every)
    current_build(index_dir)  # no index yet: say so now, not at every poll
    stop = threading.Event()
    previous = _on_sigterm(stop)
    _show_info_on_stderr()
    make_encoder = _encoder_factory(model, cache=True)
    done = 0
    try:
        with _fetcher(timeout, max_size) as fetcher:
            while not stop.is_set():
                _poll(inputs, index_dir, make_encoder, fetcher, corpus if save else None)
                done += 1
                if polls is not None and done >= polls:
                    break
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    log.info("watch stopped after %d poll%s", done, "" if done == 1 else "s")


def parse_duration(value: str) -> float:
    """Return the seconds of a duration such as 90, 30s, 15m, 1h or 1d."""
    match = _DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"'{value}' is not a duration such as 30s, 15m or 1h", param_hint="--every")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _poll(inputs: Sequence[str], root: Path, make_encoder: Any, fetcher: Any, corpus: Path | None) -> AddOutcome | None:
    started = time.perf_counter()
    try:
        outcome = add_inputs(inputs, root, make_encoder, fetcher=fetcher, corpus=corpus)
    except NewsIndexError as exc:
        log.warning("poll failed: %s", exc, extra={"fetched": 0, "new": 0, "updated": 0, "failed": len(inputs)})
        return None
    except Exception as exc:  # one bad poll must not end the watch
        log.exception("poll failed: %s: %s", type(exc).__name__, exc)
        return None
    for problem in outcome.problems:
        log.warning("skipped %s", problem)
    counts = {
        "fetched": outcome.fetched,
        "new": len(outcome.new),
        "updated": len(outcome.updated),
        "unchanged": outcome.unchanged,
        "failed": outcome.failed,
    }
    log.info(
        "poll: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + " (%.1fs)",
        time.perf_counter() - started,
        extra=counts,
    )
    return outcome


def _summary(outcome: AddOutcome, seconds: float) -> str:
    others = [f"{outcome.unchanged} unchanged"] + ([f"{outcome.failed} failed"] if outcome.failed else [])
    if outcome.report is None:
        return f"Nothing new to add ({', '.join(others)}); the index is unchanged."
    parts = [f"added {len(outcome.new)}"] + ([f"replaced {len(outcome.updated)}"] if outcome.updated else [])
    m = outcome.report.manifest
    return (
        f"{', '.join(parts).capitalize()} articles ({outcome.report.embedded} sentences embedded) in {seconds:.1f}s; "
        f"the index now holds {m.documents} articles, {m.sentences} sentences ({', '.join(others)})."
    )


def _fetcher(timeout: float, max_size: float) -> Any:
    from ..ingest.sources.fetch import Fetcher, FetchPolicy

    return Fetcher(FetchPolicy(timeout=timeout, max_bytes=int(max_size * 1024 * 1024)))


def _encoder_factory(model: str | None, cache: bool = False) -> Any:
    """Return make(model_of_index, calibration) -> Encoder; with cache, a watch loads the model once."""
    loaded: dict[str, Any] = {}

    def make(index_model: str, calibration: Sequence[str]) -> Any:
        from ..embed.factory import load_encoder

        name = model or index_model
        if cache and name in loaded:
            return loaded[name]
        encoder = load_encoder(name, calibration=lambda: list(calibration))
        if cache:
            loaded[name] = encoder
        return encoder

    return make


def _on_sigterm(stop: threading.Event) -> Any:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handle)


def _show_info_on_stderr() -> None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(min(handler.level, logging.INFO))
