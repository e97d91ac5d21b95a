"""`python -m bot`: the terminal chat, start-up errors, and the real program long polling a fake Telegram."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.__main__ import CONNECT_HINT
from bot.reload import IndexProvider
from bot.terminal import HINT, chat
from index.cli import cli as index_cli
from testkit.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(60)

REPO = Path(__file__).resolve().parent.parent
POLYANSKY = "What did Polyansky say?"
BORSCHT = "What is the recipe for borscht?"
NO_ANSWER = "I found nothing in the corpus about “What is the recipe for borscht?”."


def bot_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m bot`, without a token unless given one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env.update(NEWSBOT_LOG_FILE=os.devnull, NEWSBOT_PORT="0", PYTHONPATH=str(REPO), **extra)  # port 0: any free one
    return env


def run_bot(*args: str, stdin: str = "", timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=bot_env(**env),
        timeout=timeout,
    )


def cli_query(index: Path, question: str, *options: str) -> str:
    """What `python -m index query` prints for a question."""
    result = CliRunner().invoke(index_cli, ["query", question, "--index-dir", str(index), *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def real_provider(real_index: Path, real_encoder) -> IndexProvider:
    provider = IndexProvider.open(real_index, encoder=real_encoder)
    yield provider
    provider.close()


def test_terminal_chat_gives_the_same_answers_as_the_cli(real_index: Path, real_provider: IndexProvider) -> None:
    lines = [POLYANSKY, "more", "more", "more", BORSCHT, "more", "   ", "😀", "x" * 10_000, "quit", POLYANSKY]
    out = io.StringIO()
    chat(real_provider, io.StringIO("\n".join(lines) + "\n"), out)
    transcript = out.getvalue()
    expected = [
        cli_query(real_index, POLYANSKY).replace("ask again with --offset 5", HINT),
        cli_query(real_index, POLYANSKY, "--offset", "5").replace("ask again with --offset 10", HINT),
        cli_query(real_index, POLYANSKY, "--offset", "10"),
        "No more results: ask another question.\n",
        NO_ANSWER + "\n",
        "No more results: ask another question.\n",
        "The question has no words in it: ask something like 'What did the minister say?'.\n",
        "The question is 10000 characters long; please keep it under 1000.\n",
    ]
    assert transcript == "".join(expected)
    assert "Dmitry Polyansky, in Moscow warns of direct clash with NATO" in transcript


def test_without_a_token_python_m_bot_is_a_terminal_chat(real_index: Path) -> None:
    result = run_bot("--index-dir", str(real_index), stdin=f"{POLYANSKY}\n{BORSCHT}\nquit\n")
    assert result.returncode == 0, result.stderr
    assert CONNECT_HINT in result.stdout
    assert (
        "1. “Nothing can be ruled out”" in result.stdout and "Moscow warns of direct clash with NATO" in result.stdout
    )
    assert NO_ANSWER in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
def test_a_missing_or_broken_index_is_one_line_and_exit_1(problem: str, tmp_path: Path, fake_index: Path) -> None:
    index = tmp_path / "index"
    if problem == "corrupt":
        index.mkdir()
        (index / "builds" / "b1").mkdir(parents=True)
        (index / "builds" / "b1" / "manifest.json").write_text("{")
        (index / "current").symlink_to("builds/b1")
    result = run_bot("--index-dir", str(index), TELEGRAM_BOT_TOKEN="123:abc")
    assert result.returncode == 1
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    expected = "Error: No index at" if problem == "missing" else "Error: The index at"
    assert result.stderr.startswith(expected) and "python -m index build" in result.stderr


def test_a_wrong_token_is_one_line_and_exit_1(real_index: Path) -> None:
    with FakeTelegram() as fake:
        result = run_bot(
            "--index-dir", str(real_index), TELEGRAM_BOT_TOKEN="999:wrong", TELEGRAM_API_BASE_URL=fake.base_url
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: Telegram rejected the token in $TELEGRAM_BOT_TOKEN: check it with @BotFather."
    )
    assert "999:wrong" not in result.stderr and "Traceback" not in result.stderr


def test_python_m_bot_answers_on_a_local_bot_api_server(real_index: Path) -> None:
    with FakeTelegram() as fake:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--index-dir", str(real_index)],
            cwd=REPO,
            env=bot_env(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{fake.port}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            fake.wait_for_calls("setMyCommands", timeout=40)
            fake.push_message(1, POLYANSKY)
            fake.push_message(2, BORSCHT)
            polyansky = fake.wait_for_messages(1, timeout=20)[0]
            borscht = fake.wait_for_messages(2, timeout=20)[0]
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                _, stderr = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert polyansky.plain_text.startswith("What Dmitry Polyansky said — 1–5 of ")
    assert "Moscow warns of direct clash with NATO" in polyansky.plain_text and polyansky.buttons
    assert borscht.plain_text == NO_ANSWER
    assert "question user=1" in stderr and "ms=" in stderr  # who asked what, how long it took
    assert fake.token not in stderr and fake.token.split(":")[1] not in stderr
