"""The operator's terminal against hostile input: undecodable lines, escape sequences in the corpus, closed pipes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import index.ask.searcher
import index.embed.factory
from bot.reload import IndexProvider
from bot.terminal import chat
from index.build.full import build_index
from index.cli import cli
from testkit.encoders import FakeEncoder

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parent.parent
POLYANSKY = "What did Polyansky say?"
BAD_LINES = b"What did \xff\xfe say?\nWhat did \xed\xa0\x80 say?\n"  # invalid UTF-8; an encoded lone surrogate
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRed\x1b[0m \x9b1mC1\x00 NUL"
TOPIC = "harbour reopened Tuesday repairs"
HOSTILE_ARTICLE = f"""---
title: "Harbour \\e[5mblinks"
source: "Coast\\x07 Gazette"
url: "https://example.org/\\e[1m"
---
Harbour \x1b[5mblinks

The harbour master {ESCAPES} said the harbour reopened on Tuesday after repairs.
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(index.embed.factory, "load_encoder", lambda name, **_: FakeEncoder())
    monkeypatch.setattr(index.ask.searcher, "load_encoder", lambda name, **_: FakeEncoder())
    return CliRunner()


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory, fake_encoder) -> Path:
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "harbour.md").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    root = tmp_path_factory.mktemp("hostile-index")
    build_index(corpus, root, fake_encoder)
    return root


def unsafe(text: str) -> list[str]:
    """Characters a terminal would act on: escape, other C0 controls but newline and tab, DEL and C1."""
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize("as_json", [False, True])
def test_query_answers_each_bad_stdin_line_with_an_error_and_goes_on(
    runner: CliRunner, fake_index: Path, as_json: bool
) -> None:
    stdin = POLYANSKY.encode() + b"\n" + BAD_LINES + POLYANSKY.encode() + b"\n"
    args = ["query", "--index-dir", str(fake_index), *(["--json"] if as_json else [])]
    result = runner.invoke(cli, args, input=stdin, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if as_json:
        rows = [json.loads(line) for line in result.output.splitlines()]
        assert [r["answered"] for r in rows] == [True, False, False, True]
        assert all("not valid UTF-8" in r["error"] for r in rows[1:3]) and rows[3]["results"]
    else:
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 2 and all("line 2" in errors[0] and "not valid UTF-8" in e for e in errors)
        assert result.output.count("Dmitry Polyansky") >= 2 and "line 3" in errors[1]


def test_the_terminal_chat_answers_each_bad_line_with_an_error_and_goes_on(fake_index: Path, fake_encoder) -> None:
    provider = IndexProvider.open(fake_index, encoder=fake_encoder)
    try:
        out = io.StringIO()
        chat(provider, io.TextIOWrapper(io.BytesIO(BAD_LINES + POLYANSKY.encode() + b"\n"), "utf-8"), out)
        lines = out.getvalue().splitlines()
        out2 = io.StringIO()
        chat(provider, io.StringIO(f"What did \udcff say?\n{POLYANSKY}\n"), out2)  # surrogateescape'd stdin
    finally:
        provider.close()
    assert [line for line in lines if "not valid UTF-8" in line] == lines[:2]
    assert "Dmitry Polyansky" in "\n".join(lines[2:])
    assert "not valid" in out2.getvalue().splitlines()[0] and "Dmitry Polyansky" in out2.getvalue()


def test_escape_sequences_in_the_corpus_never_reach_the_terminal(runner: CliRunner, hostile_index: Path) -> None:
    text = runner.invoke(cli, ["query", TOPIC, "--index-dir", str(hostile_index)])
    assert text.exit_code == 0 and "harbour reopened" in text.output
    assert unsafe(text.output) == [] and "Red" in text.output and "pwned" not in text.output
    as_json = runner.invoke(cli, ["query", TOPIC, "--json", "--index-dir", str(hostile_index)])
    assert unsafe(as_json.output) == []
    [row] = [json.loads(line) for line in as_json.output.splitlines()]
    assert any("\x1b[31mRed" in r["text"] for r in row["results"])  # the JSON still carries the verbatim text


def test_the_terminal_chat_strips_escape_sequences(hostile_index: Path, fake_encoder) -> None:
    provider = IndexProvider.open(hostile_index, encoder=fake_encoder)
    try:
        out = io.StringIO()
        chat(provider, io.StringIO(f"{TOPIC}\nsources\n"), out)
    finally:
        provider.close()
    assert "harbour reopened" in out.getvalue() and "Coast Gazette" in out.getvalue()
    assert unsafe(out.getvalue()) == []


def test_a_closed_stdout_ends_the_cli_quietly(fake_index: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NEWSBOT_LOG_FILE": os.devnull}
    process = subprocess.Popen(
        [sys.executable, "-m", "index", "stats", "--index-dir", str(fake_index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    process.stdout.close()  # like `| head -1` that already left: the first write meets a closed pipe
    _, stderr = process.communicate(timeout=60)
    assert stderr.decode() == ""
    assert process.returncode == 1
