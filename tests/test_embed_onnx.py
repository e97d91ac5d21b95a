"""The ONNX Runtime encoder: same vectors and name as the torch one, cached export, backend choice and fallback."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from index.config import DEFAULT_MODEL
from index.embed import factory
from index.embed.base import SerializedEncoder
from index.embed.factory import load_encoder
from index.embed.torch_backend import SentenceTransformerEncoder
from index.errors import ModelError

pytest.importorskip("onnxruntime")
from index.embed.onnx_backend import OnnxEncoder

pytestmark = pytest.mark.model  # every test here loads the real model

SENTENCES = [
    "Putin said NATO was preparing for war.",
    "Hi.",
    "The escalating tensions between Russia and Ukraine have reached a critical juncture, with NATO Secretary "
    "General Mark Rutte warning that the next major Russian attack on Ukraine would be ‘fatal’ for Moscow.",
    "Prices rose by 4% in March, the statistics office said on Tuesday.",
]


def unwrap(encoder: object) -> object:
    """Return the encoder inside the thread-safety wrapper that load_encoder always adds."""
    assert isinstance(encoder, SerializedEncoder)
    return encoder.inner


def test_shared_encoder_gives_the_same_vectors_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    encoder = load_encoder(DEFAULT_MODEL, backend="onnx")
    expected = [encoder.encode_query(s) for s in SENTENCES]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(encoder.encode_query, SENTENCES * 5))
    for i, vector in enumerate(got):
        assert np.allclose(vector, expected[i % len(SENTENCES)], atol=1e-5)


@pytest.fixture(scope="module")
def torch_encoder() -> SentenceTransformerEncoder:
    """The reference: sentence-transformers on torch."""
    encoder = unwrap(load_encoder(DEFAULT_MODEL, backend="torch"))
    assert isinstance(encoder, SentenceTransformerEncoder)
    return encoder


@pytest.fixture(scope="module")
def onnx_encoder() -> OnnxEncoder:
    """The default backend: the exported model in fp32."""
    encoder = unwrap(load_encoder(DEFAULT_MODEL, backend="onnx"))
    assert isinstance(encoder, OnnxEncoder)
    return encoder


def test_onnx_vectors_match_torch(onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder) -> None:
    assert onnx_encoder.name == torch_encoder.name and onnx_encoder.dimension == torch_encoder.dimension == 384
    ours = onnx_encoder.encode(SENTENCES)
    reference = torch_encoder.encode(SENTENCES)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * reference).sum(axis=1).min()) >= 0.999


def test_query_needs_no_batch_and_padding_changes_nothing(onnx_encoder: OnnxEncoder) -> None:
    batch = onnx_encoder.encode(SENTENCES)
    for text, row in zip(SENTENCES, batch, strict=True):
        assert float(onnx_encoder.encode_query(text) @ row) >= 0.9999
    assert onnx_encoder.encode([]).shape == (0, 384)


def test_long_text_is_truncated_like_sentence_transformers(
    onnx_encoder: OnnxEncoder, torch_encoder: SentenceTransformerEncoder
) -> None:
    long = " ".join(SENTENCES * 20)  # far past the model's 256-token limit
    assert float(onnx_encoder.encode_query(long) @ torch_encoder.encode_query(long)) >= 0.999


def test_export_is_cached(onnx_encoder: OnnxEncoder) -> None:
    stamp = onnx_encoder.path.stat().st_mtime_ns
    again = OnnxEncoder(DEFAULT_MODEL)
    assert again.path == onnx_encoder.path and again.path.stat().st_mtime_ns == stamp
    assert not list(again.path.parent.glob(".tmp-*"))


def test_int8_is_the_default_and_stays_close_to_fp32(
    onnx_encoder: OnnxEncoder, monkeypatch: pytest.MonkeyPatch, seed_sentences: list[str]
) -> None:
    monkeypatch.delenv(factory.ENV_BACKEND, raising=False)
    int8 = unwrap(load_encoder(DEFAULT_MODEL, calibration=lambda: seed_sentences))
    assert isinstance(int8, OnnxEncoder) and int8.backend == "onnx-int8" and int8.name == onnx_encoder.name
    # plain dynamic int8 moved these to cosine ~0.98; the outlier split keeps them within a few thousandths
    texts = SENTENCES + [s.upper() for s in SENTENCES]
    cosines = (int8.encode(texts) * onnx_encoder.encode(texts)).sum(axis=1)
    assert float(cosines.min()) >= 0.995 and float(cosines.mean()) >= 0.998
    query = [float(int8.encode_query(s) @ onnx_encoder.encode_query(s)) for s in SENTENCES]
    assert min(query) >= 0.995


def test_outlier_split_is_exact_before_quantising(  # type: ignore[no-untyped-def]
    onnx_encoder: OnnxEncoder, tmp_path, seed_sentences: list[str]
) -> None:
    import onnx
    import onnxruntime as ort

    from index.embed.onnx_export import calibration_batches
    from index.embed.quantize import channel_peaks, split_outliers

    batches = calibration_batches(onnx_encoder.layout, seed_sentences)
    model, quantised = split_outliers(onnx_encoder.path, channel_peaks(onnx_encoder.path, batches[:1]))
    assert len(quantised) == 6 * 6  # Q, K, V, attention output and the two feed-forward MatMuls of 6 layers
    onnx.save(model, str(tmp_path / "split.onnx"))
    split = ort.InferenceSession(str(tmp_path / "split.onnx"), providers=["CPUExecutionProvider"])
    ids, mask = batches[0]
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    real = mask.astype(bool)
    expected = onnx_encoder._session.run(None, feed)[0][real]
    assert np.allclose(split.run(None, feed)[0][real], expected, atol=1e-3)


def test_worker_processes_embed_like_this_one(monkeypatch: pytest.MonkeyPatch, seed_sentences: list[str]) -> None:
    from index.embed import onnx_backend, pool

    monkeypatch.setattr(onnx_backend, "PARALLEL_MIN", 8)
    monkeypatch.setattr(pool, "CHUNK", 7)
    encoder = OnnxEncoder(DEFAULT_MODEL, quantize=True, processes=2, calibration=lambda: seed_sentences)
    texts = [f"{s} ({i})" for i in range(6) for s in SENTENCES]
    try:
        pooled = encoder.encode(texts)
        assert encoder._pool is not None  # the workers did it
        here = encoder._encode_here(texts)
    finally:
        encoder.close()
    similarity = pooled @ here.T
    assert list(similarity.argmax(axis=1)) == list(range(len(texts)))  # rows come back in input order
    assert float(np.diag(similarity).min()) >= 0.995  # int8 scales per batch: other neighbours, same vector


def test_backend_comes_from_the_environment_and_falls_back_to_torch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no onnxruntime here")

    monkeypatch.setattr("index.embed.onnx_backend.OnnxEncoder", broken)
    monkeypatch.setenv(factory.ENV_BACKEND, "onnx")
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        encoder = unwrap(load_encoder(DEFAULT_MODEL))
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert "onnx backend unavailable" in caplog.text
    monkeypatch.setenv(factory.ENV_BACKEND, "tensorflow")
    with pytest.raises(ModelError, match="Unknown embedding backend"):
        load_encoder(DEFAULT_MODEL)


def test_idle_workers_do_not_spin(onnx_encoder: OnnxEncoder) -> None:
    # Spinning workers would take the cores from FAISS and numpy between questions (BENCHMARKS.md).
    options = onnx_encoder._session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_int8_without_calibration_sentences_falls_back_to_fp32(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from index.embed import onnx_export

    # No int8 file cached and no sentences handed over: the encoder never goes looking for a corpus itself.
    monkeypatch.setenv(onnx_export.ENV_MODEL_CACHE, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        encoder = unwrap(load_encoder(DEFAULT_MODEL, backend="onnx-int8"))
    assert isinstance(encoder, OnnxEncoder) and encoder.backend == "onnx"
    assert "using ONNX fp32" in caplog.text and "calibration" in caplog.text


def test_int8_is_made_from_the_sentences_the_caller_hands_over(
    monkeypatch: pytest.MonkeyPatch, tmp_path, seed_sentences: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from index.embed import onnx_export

    monkeypatch.setenv(onnx_export.ENV_MODEL_CACHE, str(tmp_path))
    handed: list[int] = []

    def calibration() -> list[str]:
        handed.append(len(seed_sentences))
        return seed_sentences

    encoder = unwrap(load_encoder(DEFAULT_MODEL, backend="onnx-int8", calibration=calibration))
    assert isinstance(encoder, OnnxEncoder) and encoder.backend == "onnx-int8" and handed == [len(seed_sentences)]
    again = unwrap(load_encoder(DEFAULT_MODEL, backend="onnx-int8", calibration=calibration))
    assert isinstance(again, OnnxEncoder) and again.path == encoder.path and len(handed) == 1  # cached: not asked again
