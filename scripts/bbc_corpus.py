"""Convert the BBC News raw files (<category>/NNN.txt, first line = title) into one JSON Lines corpus.

Usage: python scripts/bbc_corpus.py RAW_FOLDER OUT.jsonl

Files with the same content are kept once (the first in category/number order; the dataset has 98 such
duplicates), a file that is not UTF-8 is read as Latin-1 (one is), and the text is kept verbatim otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path


def read_text(path: Path) -> tuple[str, bool]:
    """Return a file's text, and whether it had to be read as Latin-1."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("latin-1"), True


def convert(raw: Path, out: Path) -> dict[str, int]:
    """Write one JSON line per distinct article file below raw; return counts of what was done."""
    files = sorted(p for p in raw.rglob("*.txt") if p.parent != raw and not p.name.startswith("."))
    seen: dict[str, str] = {}
    counts = {"files": len(files), "articles": 0, "duplicates": 0, "latin1": 0, "empty": 0}
    with out.open("w", encoding="utf-8") as sink:
        for path in files:
            text, latin1 = read_text(path)
            counts["latin1"] += latin1
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if digest in seen:
                counts["duplicates"] += 1
                continue
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if len(lines) < 2:
                counts["empty"] += 1
                continue
            doc_id = f"bbc/{path.parent.name}/{path.stem}"
            seen[digest] = doc_id
            record = {"id": doc_id, "title": lines[0], "text": text, "source": "BBC News", "language": "en"}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            counts["articles"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="folder holding <category>/NNN.txt")
    parser.add_argument("out", type=Path, help="JSON Lines file to write")
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"{args.raw} is not a folder", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    counts = convert(args.raw, args.out)
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
