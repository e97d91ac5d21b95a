"""What every part of the benchmark shares: paths, running steps in fresh processes, memory, machine, formatting."""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
os.environ.setdefault("NEWSBOT_LOG_FILE", os.devnull)

# The development questions live in the shared folder beside the repository; without them the dev columns stay empty.
DEV_QUESTIONS = Path(os.environ.get("NEWSBOT_DEV_QUESTIONS") or REPO.parent / "shared" / "eval" / "dev.jsonl")
RESULT = "BENCH-RESULT "
HWM = "BENCH-HWM "
THROUGHPUT_SAMPLE = 4096  # synthetic sentences every encoder embeds in one call (as a build does), per round
ROUNDS = 2  # rounds of the throughput measurement; the encoders take turns going first
WARMUP = 5
BLOCK = 8  # questions a system answers in a row before the other one takes over
RECALL_QUERIES = 500
K = 10
# Runs the index CLI and reports its peak RSS: ru_maxrss of a child is useless here (Linux carries the parent's
# high-water mark across fork and exec), VmHWM belongs to the new process image alone.
CLI_WRAPPER = (
    "import atexit, runpy, sys\n"
    "def _hwm():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM'):\n"
    f"            sys.stderr.write('{HWM}' + line.split()[1] + '\\n')\n"
    "atexit.register(_hwm)\n"
    "sys.argv = ['index'] + sys.argv[1:]\n"
    "runpy.run_module('index', run_name='__main__')\n"
)


def maxrss_mb() -> float:
    """Return this process's peak resident memory in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """Return the 1/5/15-minute load averages."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def pct(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (nan for no values)."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else float("nan")


def baseline_model() -> Any:
    """Load the baseline: sentence-transformers with default settings."""
    from sentence_transformers import SentenceTransformer

    from index.config import DEFAULT_MODEL
    from index.embed.models import resolve_model_path

    return SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu", local_files_only=True)


def run_worker(worker: str, params: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run a step of scripts/bench/workers.py in a fresh process; return its result (+ peak RSS and wall time)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(params, fh)
    cmd = [sys.executable, "-m", "scripts.bench.workers", worker, fh.name]
    out, wall, _ = spawn(cmd, timeout)
    os.unlink(fh.name)
    lines = [ln for ln in out.splitlines() if ln.startswith(RESULT)]
    if not lines:
        raise RuntimeError(f"worker {worker} failed:\n{out[-3000:]}")
    result = json.loads(lines[-1][len(RESULT) :])
    result["process_wall_s"] = wall
    return result


def spawn(cmd: list[str], timeout: float, sample_rss: bool = False) -> tuple[str, float, float]:
    """Run a command; return (output, wall seconds from spawn to exit, peak RSS of its process tree in MB).

    The tree's RSS (the process and its workers, summed) is sampled every 0.1 s when sample_rss is set.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), NEWSBOT_LOG_FILE=os.devnull)
    peak = 0.0
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        deadline = started + timeout
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(f"{' '.join(cmd[:4])} took over {timeout:.0f}s")
            if sample_rss:
                peak = max(peak, tree_rss_mb(proc.pid))
                time.sleep(0.1)
            else:
                time.sleep(0.005)
        wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        log.seek(0)
        out = log.read()
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}:\n{out[-3000:]}")
    return out, wall, peak


def tree_rss_mb(root: int) -> float:
    """Return the resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS"):
                    total += int(line.split()[1])
        except OSError:
            pass
        todo.extend(children.get(pid, []))
    return total / 1024


def hwm_of(output: str) -> float:
    """Return the peak RSS a CLI_WRAPPER run reported, in MB."""
    lines = [ln for ln in output.splitlines() if ln.startswith(HWM)]
    return int(lines[-1][len(HWM) :]) / 1024 if lines else float("nan")


def emit(result: dict[str, Any]) -> None:
    """Print a worker's result (with its peak RSS) for run_worker to read."""
    result.setdefault("maxrss_mb", maxrss_mb())
    print(RESULT + json.dumps(result), flush=True)


def questions(real: Sequence[str], count: int = 100, seed: int = 5) -> list[str]:
    """Return the dev questions plus generated ones (speaker and topic templates over corpus phrases)."""
    rng = random.Random(seed)
    dev = []
    if DEV_QUESTIONS.is_file():
        dev = [json.loads(ln)["question"] for ln in DEV_QUESTIONS.read_text().splitlines() if ln.strip()]
    names = ["Putin", "Rutte", "Polyansky", "NATO", "Moscow", "the Kremlin", "Zelensky", "the minister"]
    out = list(dev)
    while len(out) < len(dev) + count:
        words = rng.choice(real).rstrip(".").split()
        start = rng.randrange(max(len(words) - 3, 1))
        phrase = " ".join(words[start : start + rng.randint(2, 4)])
        template = rng.choice(["What did {n} say about {p}?", "What about {p}?", "What happened with {p}?"])
        out.append(template.format(n=rng.choice(names), p=phrase))
    return out


def fmt(value: float | None, digits: int = 1) -> str:
    """Format a figure for a table (— for none)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ratio(base: float | None, ours: float | None, higher_is_better: bool) -> str:
    """Format ours against the baseline so that above 1 means ours is better."""
    if not base or not ours:
        return "—"
    r = ours / base if higher_is_better else base / ours
    return f"{r:.2f}×"


def machine() -> str:
    """Return the machine's cores, CPU model and memory."""
    model = "unknown CPU"
    flags = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                have = line.split(":", 1)[1].split()
                flags = ", ".join(f for f in ("avx2", "avx512f", "avx512_vnni") if f in have)
        mem = int(
            next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1]
        )
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return f"{os.cpu_count()} cores ({model}; {flags}), {memory} RAM, Python {platform.python_version()}"


def versions() -> str:
    """Return the versions of the libraries measured."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("torch", "sentence-transformers", "onnxruntime", "faiss-cpu", "bm25s", "sentencex"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} missing")
    return ", ".join(parts)
