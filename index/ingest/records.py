"""The rows an index is made of: sentences with their position, offsets and speaker."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SentenceRecord:
    """One indexed sentence: text[start:end] of its article, verbatim."""

    sid: int
    doc_id: str
    paragraph: int
    position: int
    start: int
    end: int
    text: str
    statement: bool = False
    speaker: str | None = None
    cue: str | None = None
    others: tuple[str, ...] = ()  # speakers of further clauses of the sentence ("While A vowed ..., B pledged ...")

    @property
    def speakers(self) -> tuple[str, ...]:
        """Every speaker of the sentence, the main one first."""
        return ((self.speaker,) if self.speaker else ()) + self.others

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a plain dict."""
        return asdict(self)
