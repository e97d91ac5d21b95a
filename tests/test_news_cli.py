"""add / list / remove / watch with pages and feeds served on loopback (the fake encoder; no network)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import index.ask.searcher
import index.embed.factory
from index.cli import cli
from index.config import DEFAULT_CORPUS_DIR
from testkit.encoders import FakeEncoder
from testkit.news_server import NewsServer
from testkit.news_site import BOILERPLATE, HARBOUR, PUBLISHER, news_site


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose model loading gives the fake encoder."""
    monkeypatch.setattr(index.embed.factory, "load_encoder", lambda name, **_: FakeEncoder())
    monkeypatch.setattr(index.ask.searcher, "load_encoder", lambda name, **_: FakeEncoder())
    monkeypatch.setenv("NEWSBOT_MODEL", "fake-hash-encoder")
    monkeypatch.setenv("NEWSBOT_CHANNELS", "none")  # the fake index has no cross-lingual channel
    return CliRunner()


@pytest.fixture
def site() -> Iterator[NewsServer]:
    with NewsServer(news_site) as server:
        yield server


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the seed articles the fake index was built from."""
    folder = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, folder)
    return folder


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def current(index_dir: Path) -> str:
    return os.readlink(index_dir / "current")


def test_feed_by_url_then_ask_list_readd_remove(
    runner: CliRunner, site: NewsServer, writable_fake_index: Path, corpus: Path
) -> None:
    idx = ["--index-dir", str(writable_fake_index)]
    feed = site.url("/feed.xml")
    added = run(runner, "add", feed, "--corpus", str(corpus), *idx)
    assert added.exit_code == 0, added.output
    assert "Added 4 articles" in added.output and "the index now holds 6 articles" in added.output
    assert len(list((corpus / "fetched").rglob("*.md"))) == 4

    answer = json.loads(run(runner, "query", "What did Tobias Wren say?", "--json", *idx).output)
    assert answer["answered"] and answer["kind"] == "speaker"
    page_url = site.url("/news/harbour-reopens")
    for result in answer["results"]:
        assert (result["url"], result["source"], result["published"]) == (page_url, PUBLISHER, "2025-05-06")
        assert "Wren" in result["speaker"] and any(result["text"] in line for line in HARBOUR)
        shown = " ".join([result["text"], *result.get("context_before", []), *result.get("context_after", [])])
        assert not any(clutter in shown for clutter in BOILERPLATE)
    assert any("We are relieved" in r["text"] for r in answer["results"])

    build = current(writable_fake_index)
    again = run(runner, "add", feed, "--corpus", str(corpus), *idx)
    assert again.exit_code == 0 and "Nothing new to add (4 unchanged)" in again.output
    assert current(writable_fake_index) == build  # no new build was published

    listed = json.loads(run(runner, "list", "--json", *idx).output)
    harbour = next(r for r in listed if r["url"] == page_url)
    assert harbour["id"] == page_url and harbour["title"] == "Harbour reopens after repairs"
    assert harbour["publisher"] == PUBLISHER and harbour["published"] == "2025-05-06" and harbour["sentences"] >= 6
    assert len(listed) == 6
    assert len(json.loads(run(runner, "list", "--json", "--source", "coast gazette", *idx).output)) == 4
    assert len(json.loads(run(runner, "list", "--json", "--source", "127.0.0.1", *idx).output)) == 4
    recent = json.loads(run(runner, "list", "--json", "--since", "2025-05-05", *idx).output)
    assert sorted(r["title"] for r in recent) == [
        "Council votes to replace Mill Street bridge",
        "Harbour reopens after repairs",
    ]
    plain = run(runner, "list", *idx).output
    assert f"Harbour reopens after repairs\t{PUBLISHER}\t2025-05-06\t{page_url}\t" in plain

    removed = run(runner, "remove", page_url + "?utm_source=rss", "--corpus", str(corpus), *idx)  # the feed's link
    assert removed.exit_code == 0, removed.output
    assert "Removed 1 article" in removed.output and "Deleted 1 saved copy" in removed.output
    assert "Remove the files" not in removed.output
    assert page_url not in run(runner, "list", *idx).output
    assert len(list((corpus / "fetched").rglob("*.md"))) == 3  # its saved copy went too
    assert "Nothing new to add" in run(runner, "add", feed, "--corpus", str(corpus), *idx).output  # stays removed
    unknown = run(runner, "remove", site.url("/news/never-added"), *idx)
    assert unknown.exit_code == 1 and "never-added: no article with this id" in unknown.output

    # the saved copies reproduce the index: a full build from the corpus would change nothing
    fresh = run(runner, "build", "--corpus", str(corpus), "--if-stale", *idx)
    assert "up to date" in fresh.output, fresh.output


def test_dead_and_odd_inputs_are_reported_and_the_rest_added(
    runner: CliRunner, site: NewsServer, writable_fake_index: Path
) -> None:
    idx = ["--index-dir", str(writable_fake_index), "--no-save"]
    urls = [site.url(p) for p in ("/missing-page", "/loop", "/report.pdf", "/news/bridge-vote")]
    result = run(runner, "add", *urls, *idx)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3 and all(any(u in w for u in urls) for w in warnings)
    assert "Added 1 articles" in result.output and "3 failed" in result.output

    dead = run(runner, "add", site.url("/missing-page"), *idx)
    assert dead.exit_code == 1
    assert dead.output.strip().splitlines() == [
        f"Error: Nothing added: {site.url('/missing-page')}: not found (HTTP 404)"
    ]


def test_readding_a_changed_page_replaces_it(runner: CliRunner, site: NewsServer, writable_fake_index: Path) -> None:
    idx = ["--index-dir", str(writable_fake_index)]
    url = site.url("/news/bridge-vote")
    assert "Added 1 articles" in run(runner, "add", url, "--no-save", *idx).output
    route = site.routes["/news/bridge-vote"]
    route.body = route.body.replace(b"voted 9 to 4", b"voted 10 to 3")
    result = run(runner, "add", url, "--no-save", *idx)
    assert "Added 0, replaced 1 articles" in result.output
    listed = json.loads(run(runner, "list", "--json", *idx).output)
    assert [r["id"] for r in listed].count(url) == 1


def test_watch_polls_and_logs_one_line_per_poll(
    runner: CliRunner, site: NewsServer, writable_fake_index: Path, tmp_path: Path
) -> None:
    args = ["--log-format", "json", "watch", site.url("/feed.xml"), site.url("/missing-page"), "--every", "0.05s"]
    result = run(runner, *args, "--polls", "3", "--index-dir", str(writable_fake_index), "--corpus", str(tmp_path))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    polls = [r for r in records if r["message"].startswith("poll:")]
    assert len(polls) == 3
    assert [(p["fetched"], p["new"], p["updated"], p["failed"]) for p in polls] == [
        (4, 4, 0, 1),
        (1, 0, 0, 1),
        (1, 0, 0, 1),
    ]
    assert (
        site.hits["/feed.xml"] == 3 and site.hits["/news/harbour-reopens?utm_source=rss"] == 1
    )  # later polls: 304, no pages
    assert any("missing-page" in r["message"] for r in records if r["level"] == "WARNING")


def test_watch_rejects_a_bad_interval(runner: CliRunner, fake_index: Path) -> None:
    result = run(runner, "watch", "http://127.0.0.1:9/feed.xml", "--every", "soon", "--index-dir", str(fake_index))
    assert result.exit_code == 2 and "not a duration" in result.output


def test_watch_without_an_index_stops_at_once(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "watch", "http://127.0.0.1:9/feed.xml", "--index-dir", str(tmp_path / "none"))
    assert result.exit_code == 1 and "No index at" in result.output


def test_version_and_log_format_on_both_clis(runner: CliRunner) -> None:
    from bot.__main__ import main as bot_main

    assert run(runner, "--version").output.startswith("newsbot-index, version ")
    assert runner.invoke(bot_main, ["--version"]).output.startswith("newsbot, version ")
    assert "--log-format [text|json]" in runner.invoke(bot_main, ["--help"]).output
    assert run(runner, "--log-format", "xml", "list").exit_code == 2
