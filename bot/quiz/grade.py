"""Grading a tap and keeping streaks."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bank import Question
from bot.models import Streak

LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Verdict:
    """The result of one choice: which bank option was chosen and whether it is right."""

    choice: int
    correct_choice: int
    correct: bool


def letter_to_choice(letter: str, order: tuple[int, ...]) -> int | None:
    """The bank option index behind a shown letter, or None if no such letter was shown."""
    position = LETTERS.find(letter.upper()) if len(letter) == 1 else -1
    if position < 0 or position >= len(order):
        return None
    return order[position]


def letter_of(choice: int, order: tuple[int, ...]) -> str:
    """The letter a bank option was shown under."""
    return LETTERS[order.index(choice)]


def grade(question: Question, choice: int) -> Verdict:
    """Whether bank option `choice` is the question's correct option."""
    correct_choice = question.correct_index
    return Verdict(choice, correct_choice, choice == correct_choice)


def advance_streak(streak: Streak, correct: bool) -> Streak:
    """A right answer extends the run (and maybe the best); a wrong one resets it."""
    if not correct:
        return Streak(0, streak.best)
    current = streak.current + 1
    return Streak(current, max(streak.best, current))
