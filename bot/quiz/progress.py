"""A learner's progress by topic: accuracy per topic and the weakest ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.bank import Bank

# A topic needs this many answers before it can be called weak.
MIN_ANSWERS = 2


@dataclass(frozen=True)
class TopicScore:
    """How a learner does on one topic."""

    slug: str
    title: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def by_topic(bank: Bank, per_question: Mapping[str, tuple[int, int]]) -> list[TopicScore]:
    """Fold (answered, correct) per question id into per-topic scores, in bank order."""
    totals: dict[str, list[int]] = {}
    for question_id, (answered, correct) in per_question.items():
        question = bank.question(question_id)
        if question is None:
            continue  # removed from the bank since
        entry = totals.setdefault(question.topic, [0, 0])
        entry[0] += answered
        entry[1] += correct
    return [
        TopicScore(topic.slug, topic.title, *totals[topic.slug])
        for topic in bank.topics if topic.slug in totals
    ]


def weakest(scores: list[TopicScore], count: int = 3) -> list[TopicScore]:
    """The lowest-accuracy topics with enough answers (ties: fewer answers first)."""
    eligible = [s for s in scores if s.answered >= MIN_ANSWERS and s.correct < s.answered]
    return sorted(eligible, key=lambda s: (s.accuracy, s.answered, s.slug))[:count]


def bar(fraction: float, cells: int = 10) -> str:
    """A text bar that reads on a phone: ▓▓▓▓░░░░░░."""
    filled = round(max(0.0, min(1.0, fraction)) * cells)
    return "▓" * filled + "░" * (cells - filled)
