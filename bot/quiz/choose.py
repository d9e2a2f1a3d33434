"""Choose the next question for a chat and the order its options are shown in."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.bank import Question
from bot.models import AskHistory


def pick_question(
    pool: Sequence[Question],
    history: Mapping[str, AskHistory],
    rng: random.Random,
    due: Sequence[str] = (),
) -> Question:
    """Due reviews first (most overdue first), then an unseen question, then the one asked
    least recently.

    `due` lists the learner's due question ids, most overdue first; `history` is what this
    chat was asked. Every question of the pool is asked once before any comes back unless
    a review brings it back.
    """
    if not pool:
        raise ValueError("cannot pick from an empty pool")
    by_id = {question.id: question for question in pool}
    for question_id in due:
        if question_id in by_id:
            return by_id[question_id]
    unseen = [question for question in pool if question.id not in history]
    if unseen:
        return rng.choice(unseen)
    return min(pool, key=lambda question: history[question.id].last_asked)


def shuffled_order(option_count: int, rng: random.Random) -> tuple[int, ...]:
    """A random presentation order: position i shows the bank option order[i]."""
    order = list(range(option_count))
    rng.shuffle(order)
    return tuple(order)
