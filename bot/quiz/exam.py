"""Mock exams: drawing questions in the real exam's proportions, timing, scoring."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.bank import Bank, Question


@dataclass(frozen=True)
class Blueprint:
    """The shape of an exam: questions per syllabus area, time limit, pass mark."""

    syllabus: str
    areas: tuple[tuple[str, str, int], ...]  # (area slug, label, questions)
    duration: timedelta
    pass_mark: int

    @property
    def size(self) -> int:
        return sum(count for _, _, count in self.areas)

    def label(self, area: str) -> str:
        return next((label for slug, label, _ in self.areas if slug == area), area)


ITIL4_FOUNDATION = Blueprint(
    syllabus="ITIL 4 Foundation",
    areas=(
        ("key-concepts", "Key concepts", 5),
        ("guiding-principles", "Guiding principles", 6),
        ("four-dimensions", "Four dimensions", 2),
        ("service-value-system", "Service value system", 1),
        ("value-chain", "Service value chain", 2),
        ("practice-purposes", "Practice purposes and terms", 7),
        ("practices-detail", "The seven practices in detail", 17),
    ),
    duration=timedelta(minutes=60),
    pass_mark=26,
)
BLUEPRINTS = {ITIL4_FOUNDATION.syllabus: ITIL4_FOUNDATION}


class ExamUnavailable(ValueError):
    """The bank cannot fill the blueprint (no syllabus match, or too few questions)."""


def blueprint_for(bank: Bank) -> Blueprint:
    """The blueprint of the bank's syllabus, if the bank can fill it."""
    syllabi = {topic.syllabus for topic in bank.topics if topic.syllabus}
    blueprint = next((BLUEPRINTS[s] for s in sorted(syllabi) if s in BLUEPRINTS), None)
    if blueprint is None:
        raise ExamUnavailable("this question bank has no mock exam (no known syllabus)")
    pools = area_pools(bank, blueprint)
    for area, label, count in blueprint.areas:
        if len(pools.get(area, ())) < count:
            raise ExamUnavailable(f"the bank has too few questions for “{label}”")
    return blueprint


def area_pools(bank: Bank, blueprint: Blueprint) -> dict[str, list[Question]]:
    """Questions of the blueprint's syllabus, grouped by area."""
    pools: dict[str, list[Question]] = {}
    for topic in bank.topics:
        if topic.syllabus == blueprint.syllabus and topic.area:
            pools.setdefault(topic.area, []).extend(topic.questions)
    return pools


def draw(bank: Bank, blueprint: Blueprint, rng: random.Random) -> list[Question]:
    """A fresh exam: each area's share drawn at random, then all shuffled together."""
    pools = area_pools(bank, blueprint)
    questions = [q for area, _, count in blueprint.areas for q in rng.sample(pools[area], count)]
    rng.shuffle(questions)
    return questions


@dataclass(frozen=True)
class ExamResult:
    """A finished exam's score, verdict, per-area breakdown and the questions missed."""

    score: int
    size: int
    passed: bool
    by_area: tuple[tuple[str, int, int], ...]  # (label, right, asked)
    missed: tuple[Question, ...]


def score(
    blueprint: Blueprint,
    questions: Sequence[Question],
    correct: Mapping[int, bool],
    area_of: Mapping[str, str],
) -> ExamResult:
    """Score an exam; `correct` maps position -> right (unanswered positions count wrong)."""
    right = sum(bool(correct.get(i)) for i in range(len(questions)))
    asked = Counter(area_of[q.topic] for q in questions)
    got = Counter(area_of[q.topic] for i, q in enumerate(questions) if correct.get(i))
    by_area = tuple(
        (label, got[slug], asked[slug]) for slug, label, _ in blueprint.areas if asked[slug]
    )
    missed = tuple(q for i, q in enumerate(questions) if not correct.get(i))
    return ExamResult(right, len(questions), right >= blueprint.pass_mark, by_area, missed)
