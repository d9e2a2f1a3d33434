"""Pure rules: choosing, shuffling, grading, streaks, topic matching."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.bank import Bank, load_bank
from bot.models import AskHistory, Streak
from bot.quiz.choose import pick_question, shuffled_order
from bot.quiz.grade import advance_streak, grade, letter_of, letter_to_choice
from bot.quiz.topics import resolve_topic

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def bank(small_bank_dir) -> Bank:
    return load_bank(small_bank_dir)


def test_every_question_once_before_any_twice(bank: Bank):
    pool = bank.topic("alpha").questions
    rng = random.Random(1)
    history: dict[str, AskHistory] = {}
    asked = []
    for n in range(9):
        question = pick_question(pool, history, rng)
        asked.append(question.id)
        before = history.get(question.id)
        history[question.id] = AskHistory((before.times if before else 0) + 1,
                                          T0 + timedelta(minutes=n))
    for start in (0, 3, 6):
        assert sorted(asked[start:start + 3]) == ["alpha-1", "alpha-2", "alpha-3"]
    assert all(a != b for a, b in itertools.pairwise(asked))


def test_pick_is_deterministic_for_a_seed(bank: Bank):
    pool = tuple(bank)
    first = [pick_question(pool, {}, random.Random(5)).id for _ in range(3)]
    assert len(set(first)) == 1
    with pytest.raises(ValueError):
        pick_question((), {}, random.Random(5))


def test_shuffled_order_is_a_permutation_that_varies():
    orders = {shuffled_order(4, random.Random(seed)) for seed in range(20)}
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len(orders) > 5


def test_letters_map_through_the_shown_order(bank: Bank):
    order = (2, 0, 3, 1)
    assert letter_to_choice("A", order) == 2
    assert letter_to_choice("d", order) == 1
    assert letter_to_choice("E", order) is None
    assert letter_to_choice("AB", order) is None
    assert letter_of(3, order) == "C"
    question = bank.question("alpha-1")
    assert grade(question, 0).correct
    verdict = grade(question, 2)
    assert not verdict.correct and verdict.correct_choice == 0 and verdict.choice == 2


def test_streak_grows_keeps_best_and_resets():
    streak = Streak()
    for _ in range(3):
        streak = advance_streak(streak, True)
    assert streak == Streak(3, 3)
    streak = advance_streak(streak, False)
    assert streak == Streak(0, 3)
    assert advance_streak(streak, True) == Streak(1, 3)


def test_topic_matching(itil_bank: Bank):
    topics = itil_bank.topics
    assert resolve_topic(topics, "customers").topic.slug == "customers"
    assert resolve_topic(topics, "CUSTOMERS").topic.slug == "customers"
    assert resolve_topic(topics, "cust").topic.slug == "customers"
    assert resolve_topic(topics, "change enablement").topic.slug == "change-enablement"
    ambiguous = resolve_topic(topics, "service")
    assert ambiguous.topic is None and len(ambiguous.candidates) > 1
    unknown = resolve_topic(topics, "astrology")
    assert unknown.topic is None and unknown.candidates == ()


def test_due_reviews_come_before_unseen_and_seen(bank: Bank):
    pool = bank.topic("alpha").questions
    history = {"alpha-1": AskHistory(1, T0), "alpha-2": AskHistory(1, T0 + timedelta(1))}
    rng = random.Random(3)
    assert pick_question(pool, history, rng).id == "alpha-3"  # the unseen one
    assert pick_question(pool, history, rng, due=["beta-1", "alpha-2"]).id == "alpha-2"
    history["alpha-3"] = AskHistory(1, T0 + timedelta(2))
    assert pick_question(pool, history, rng).id == "alpha-1"  # least recently asked
