"""The Ray Data engine of a full build: analysis and embedding as a Ray Data pipeline, on one machine or a cluster.

`ray.init()` joins the cluster that RAY_ADDRESS names (as `ray job submit` sets it), else starts a local Ray on this
machine's cores. The driver reads the corpus, so the folder need only exist where the build starts. Ray actors, one
CPU each, load the encoder once and run the same per-chunk step as the local engine's workers (index/build/work.py:
analyse a chunk of articles, embed its sentences); the driver then indexes and publishes with the local engine's
code. Ray is optional: `pip install -r requirements-ray.txt`.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import NewsIndexError
from ..ingest.corpus import Article
from ..stopwatch import Stopwatch, timed
from .work import Analysed, analyse_and_embed

log = logging.getLogger(__name__)

ENV_ADDRESS = "RAY_ADDRESS"
# Calibration sentences handed to every actor: a node without the cached int8 model makes the same one from them.
CALIBRATION = 512


class RayUnavailableError(NewsIndexError):
    """Ray is not installed."""


class ChunkWorker:
    """A Ray actor: loads the encoder once (one thread: Ray spreads the work), then analyses and embeds chunks."""

    def __init__(self, model: str, backend: str | None, calibration: list[str]) -> None:
        os.environ["NEWSBOT_THREADS"] = "1"  # one session, one thread, no worker processes of its own
        from ..embed.factory import load_encoder

        self.encoder = load_encoder(model, backend, calibration=lambda: calibration)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        """Analyse and embed each chunk of the batch (pickled lists of articles); return results pickled."""
        out: dict[str, list[Any]] = {"ord": [], "result": []}
        for ord_, chunk in zip(batch["ord"], batch["chunk"], strict=True):
            result = analyse_and_embed(self.encoder, pickle.loads(chunk))
            out["ord"].append(int(ord_))
            out["result"].append(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        return out


def analyse_and_embed_ray(
    chunks: Sequence[Sequence[Article]],
    model: str,
    *,
    backend: str | None = None,
    calibration: Sequence[str] = (),
    progress: bool = False,
    clock: Stopwatch | None = None,
) -> list[Analysed]:
    """Run analyse_and_embed over chunks of articles on Ray; results come back in chunk order."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            "The Ray engine needs Ray: pip install -r requirements-ray.txt (or build with --engine local)."
        ) from None
    started_here = not ray.is_initialized()
    with timed(clock, "ray start"):
        if started_here:
            ray.init(
                address=os.environ.get(ENV_ADDRESS) or None, include_dashboard=False, log_to_driver=progress,
                logging_level=logging.INFO if progress else logging.WARNING,
            )  # fmt: skip
        cpus = max(int(ray.cluster_resources().get("CPU", 1)), 1)
    try:
        logging.getLogger("ray.data").setLevel(logging.INFO if progress else logging.WARNING)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = progress
        context.print_on_execution_start = progress
        rows = [
            {"ord": i, "chunk": pickle.dumps(list(c), protocol=pickle.HIGHEST_PROTOCOL)} for i, c in enumerate(chunks)
        ]
        dataset = ray.data.from_items(rows, override_num_blocks=max(min(len(rows), 4 * cpus), 1)).map_batches(
            ChunkWorker,
            fn_constructor_args=(model, backend, list(calibration[:CALIBRATION])),
            batch_size=1,
            num_cpus=1,
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=min(cpus, len(rows))),
        )
        started = time.perf_counter()
        results: dict[int, Analysed] = {}
        for row in dataset.iter_rows():
            results[int(row["ord"])] = pickle.loads(row["result"])
        if clock is not None:
            clock.add("analyse+embed wall", time.perf_counter() - started)
            clock.add("workers", float(min(cpus, len(rows))))
    finally:
        if started_here:
            ray.shutdown()
    missing = [i for i in range(len(chunks)) if i not in results]
    if missing:
        raise RuntimeError(f"Ray returned no result for {len(missing)} chunks of articles")
    return [results[i] for i in range(len(chunks))]
