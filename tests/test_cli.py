"""The operator CLI: every command, JSON shape, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import index.ask.searcher
import index.embed.factory
from index.cli import cli
from testkit.encoders import FakeEncoder

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose model loading gives the fake encoder."""
    monkeypatch.setattr(index.embed.factory, "load_encoder", lambda name, **_: FakeEncoder())
    monkeypatch.setattr(index.ask.searcher, "load_encoder", lambda name, **_: FakeEncoder())
    monkeypatch.setenv("NEWSBOT_MODEL", "fake-hash-encoder")
    return CliRunner()


def run(runner: CliRunner, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)


@pytest.mark.parametrize("command", ["build", "add", "stats", "query", "eval"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "--help")
    assert result.exit_code == 0 and "--index-dir" in result.output


def test_build_stats_query_json(runner: CliRunner, tmp_path: Path) -> None:
    idx = str(tmp_path / "idx")
    result = run(runner, "build", "--index-dir", idx, "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Indexed 2 articles" in result.output
    again = run(runner, "build", "--index-dir", idx, "--if-stale")
    assert "up to date" in again.output

    stats = json.loads(run(runner, "stats", "--index-dir", idx, "--json").output)
    assert stats["documents"] == 2 and stats["model"] == "fake-hash-encoder" and stats["sentences"] > 40
    assert 0 < stats["statements"] < stats["sentences"] and stats["speakers"] > 0

    result = run(runner, "query", "How much have Western backers sent in arms to Kiev?", "--json", "--index-dir", idx)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"question", "answered", "results"}
    assert data["question"] == "How much have Western backers sent in arms to Kiev?"
    for item in data["results"]:
        assert {"text", "doc_id", "title", "score", "position", "start", "end"} <= set(item)


def test_query_stdin_one_json_per_line(runner: CliRunner, fake_index: Path) -> None:
    stdin = "What did Polyansky say?\n\n   \nWhat is the capital of Australia?\n" + "x" * 5000 + "\n"
    result = run(runner, "query", "--json", "--index-dir", str(fake_index), stdin=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["question"][:30] for d in lines[:2]] == ["What did Polyansky say?", "What is the capital of Austral"]
    assert len(lines) == 3 and "error" in lines[2] and lines[2]["answered"] is False


def test_user_errors_are_one_line(runner: CliRunner, tmp_path: Path, fake_index: Path) -> None:
    cases = [
        (["query", "What?", "--index-dir", str(tmp_path / "none")], "No index at"),
        (["query", "   ", "--index-dir", str(fake_index)], "The question is empty"),
        (["build", "--corpus", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "i")], "does not exist"),
        (["add", str(tmp_path / "missing.md"), "--index-dir", str(fake_index)], "No such file"),
        (["stats", "--index-dir", str(tmp_path / "none")], "No index at"),
    ]
    for args, message in cases:
        result = run(runner, *args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_add_command(runner: CliRunner, writable_fake_index: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"title": "Bridge opens", "text": "The new bridge opened to traffic on Sunday."}) + "\n")
    result = run(runner, "add", str(feed), "--index-dir", str(writable_fake_index))
    assert result.exit_code == 0, result.output
    assert "Added 1 articles (1 sentences embedded)" in result.output
    assert "3 articles" in result.output


def test_eval_prints_table_for_three_systems(runner: CliRunner, fake_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {"id": "a", "kind": "topic", "question": "Where did the speech take place?", "gold": ["Brussels"]},
                {"id": "b", "kind": "none", "question": "What is the boiling point of tungsten?", "gold": []},
            ]
        )
    )
    result = run(runner, "eval", str(questions), "--index-dir", str(fake_index))
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[1]
    assert header.split() == ["metric", "system", "dense", "bm25"]
    assert "topic_hit@3" in result.output and "no_answer_accuracy" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "weird", "question": "x"}\n')
    result = run(runner, "eval", str(bad), "--index-dir", str(fake_index))
    assert result.exit_code != 0 and "bad.jsonl:1" in result.output


def test_unexpected_error_is_one_line_with_log(runner: CliRunner, fake_index: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import index.ask.answer

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("kaboom")

    monkeypatch.setattr(index.ask.answer, "answer", boom)
    result = run(runner, "query", "What happened?", "--index-dir", str(fake_index))
    assert result.exit_code == 1
    assert "Unexpected error: ZeroDivisionError: kaboom" in result.output and "Traceback" not in result.output


def test_real_model_query_subprocess(real_index: Path) -> None:
    """The command operators run, with the packaged model, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "index", "query", "What did Polyansky say?", "--json", "--index-dir", str(real_index)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answered"] is True and data["kind"] == "speaker"
    texts = [r["text"] for r in data["results"]]
    assert any("big risk of a direct clash" in t for t in texts)
    assert {r["title"] for r in data["results"]} == {"Moscow warns of direct clash with NATO"}
    assert all("Polyansky" in r["speaker"] for r in data["results"])
