"""Embedding workers die with their parent, whether it is killed, terminated or exits (issue 12, defect 3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_parent() -> tuple[subprocess.Popen[str], list[int]]:
    script = (
        "import sys, time\n"
        "from index.embed.pool import EncoderPool\n"
        "from testkit.encoders import SlowEncoderFactory\n"
        "pool = EncoderPool(SlowEncoderFactory(), 2)\n"
        "parts = pool.imap(__import__('testkit.encoders', fromlist=['encode_with']).encode_with, [['a'], ['b']])\n"
        "deadline = time.time() + 30\n"
        "while len(pool.worker_pids()) < 2 and time.time() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print(*pool.worker_pids(), flush=True)\n"
        "list(parts)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2, "the parent did not start its workers"
    time.sleep(1.0)  # the workers are inside their (minute-long) task now
    return proc, pids


def _wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if _alive(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_their_parent(sig: signal.Signals) -> None:
    proc, pids = _start_parent()
    try:
        proc.send_signal(sig)
        proc.wait(timeout=20)
        left = _wait_gone(pids)
    finally:
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their parent ({sig.name})"
    if sig == signal.SIGTERM:
        assert proc.returncode in (128 + signal.SIGTERM, -signal.SIGTERM)
