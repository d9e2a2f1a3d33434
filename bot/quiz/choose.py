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
) -> Question:
    """Pick a question the chat has been asked least often, at random among those.

    Every question of the pool is asked once before any is asked twice. When a new round
    starts, the question asked last is skipped so the same one never comes twice in a row.
    """
    if not pool:
        raise ValueError("cannot pick from an empty pool")
    fewest = min(_times(history, q.id) for q in pool)
    candidates = [q for q in pool if _times(history, q.id) == fewest]
    if len(candidates) > 1 and history:
        latest = max(history.items(), key=lambda item: item[1].last_asked)[0]
        candidates = [q for q in candidates if q.id != latest] or candidates
    return rng.choice(candidates)


def shuffled_order(option_count: int, rng: random.Random) -> tuple[int, ...]:
    """A random presentation order: position i shows the bank option order[i]."""
    order = list(range(option_count))
    rng.shuffle(order)
    return tuple(order)


def _times(history: Mapping[str, AskHistory], question_id: str) -> int:
    entry = history.get(question_id)
    return entry.times if entry else 0
