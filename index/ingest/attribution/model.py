"""What attribution produces: a verdict per sentence and the speakers of the article."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Speaker:
    """Someone (person, organisation or group) whose statements an article reports."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attribution:
    """Whether one sentence reports a statement, whose (Speaker.key), and the reporting cue found."""

    statement: bool
    speaker: str | None = None
    cue: str | None = None
    others: tuple[str, ...] = ()  # speakers of further clauses ("While A vowed ..., B pledged ...")

    @property
    def speakers(self) -> tuple[str, ...]:
        """Every speaker of the sentence, the main one first."""
        return ((self.speaker,) if self.speaker else ()) + self.others
