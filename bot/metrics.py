"""Health and Prometheus metrics: what /healthz and /metrics report, in every mode."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from .reload import IndexProvider

OUTCOMES = ("answered", "nothing_found", "bad_question")
REFUSALS = ("nothing_found", "bad_question", "flood")
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def index_status(provider: IndexProvider) -> dict[str, Any]:
    """Return what /healthz says about the index being served: build id, build time, age, size and reloads."""
    manifest = provider.manifest()  # RuntimeError when no index is loaded
    return {
        "build_id": manifest.build_id,
        "built_at": manifest.built_at,
        "age_seconds": _age(manifest.built_at),
        "documents": manifest.documents,
        "sentences": manifest.sentences,
        "reloads": provider.reloads,
        "reload_failures": provider.reload_failures,
    }


def _age(built_at: str) -> float | None:
    try:
        built = dt.datetime.fromisoformat(built_at)
    except ValueError:
        return None
    if built.tzinfo is None:
        built = built.replace(tzinfo=dt.UTC)
    return round(time.time() - built.timestamp(), 1)


class IndexCollector(Collector):
    """Reads the index figures at scrape time: reloads (done and failed), build age and build id."""

    def __init__(self, provider: IndexProvider) -> None:
        self.provider = provider

    def collect(self) -> Iterator[Metric]:
        """Yield the index metrics (none while no index is loaded)."""
        reloads = CounterMetricFamily(
            "newsbot_index_reloads", "New index builds swapped in, or failed to open", labels=["result"]
        )
        reloads.add_metric(["ok"], self.provider.reloads)
        reloads.add_metric(["failed"], self.provider.reload_failures)
        yield reloads
        try:
            status = index_status(self.provider)
        except RuntimeError:
            return
        if status["age_seconds"] is not None:
            yield GaugeMetricFamily(
                "newsbot_index_age_seconds", "Seconds since the served build was made", value=status["age_seconds"]
            )
        yield GaugeMetricFamily("newsbot_index_sentences", "Sentences in the served build", value=status["sentences"])
        info = InfoMetricFamily("newsbot_index", "The served index build")
        info.add_metric([], {"build_id": status["build_id"]})
        yield info


class Metrics:
    """The bot's Prometheus metrics, in a registry of their own (two bots in one process do not clash)."""

    def __init__(self, provider: IndexProvider | None = None) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "newsbot_questions", "Questions (and More pages) handled, by outcome", ["outcome"], registry=self.registry
        )
        self.answer_seconds = Histogram(
            "newsbot_answer_seconds",
            "Seconds from a question to its reply being sent",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter(
            "newsbot_refusals", "Requests not answered with quotes, by reason", ["reason"], registry=self.registry
        )
        self.errors = Counter("newsbot_errors", "Errors that reached the error handler", registry=self.registry)
        self.updates_shed = Counter(
            "newsbot_updates_shed", "Updates dropped because too many were queued", registry=self.registry
        )
        self.webhook_refused = Counter(
            "newsbot_webhook_refused", "Webhook requests refused, by reason", ["reason"], registry=self.registry
        )
        for outcome in OUTCOMES:
            self.questions.labels(outcome=outcome)
        for reason in REFUSALS:
            self.refusals.labels(reason=reason)
        if provider is not None:
            self.registry.register(IndexCollector(provider))

    def question(self, outcome: str, seconds: float) -> None:
        """Count one answered question (or page) and its latency; nothing found and bad questions are refusals."""
        self.questions.labels(outcome=outcome).inc()
        self.answer_seconds.observe(seconds)
        if outcome != "answered":
            self.refusals.labels(reason=outcome).inc()

    def exposition(self) -> tuple[bytes, str]:
        """Return the metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
