"""Mock-exam rules (draw, score) and per-topic progress, on the bundled bank."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.bank import Bank, load_bank
from bot.quiz.exam import ITIL4_FOUNDATION, ExamUnavailable, blueprint_for, draw, score
from bot.quiz.progress import TopicScore, bar, by_topic, weakest


def test_draw_follows_the_blueprint(itil_bank: Bank):
    blueprint = blueprint_for(itil_bank)
    assert blueprint is ITIL4_FOUNDATION and blueprint.size == 40
    area_of = {t.slug: t.area for t in itil_bank.topics}
    for seed in range(5):
        questions = draw(itil_bank, blueprint, random.Random(seed))
        assert len({q.id for q in questions}) == 40
        counts = Counter(area_of[q.topic] for q in questions)
        assert counts == {slug: n for slug, _, n in blueprint.areas}


@pytest.mark.parametrize(("right", "passed"), [(26, True), (25, False), (40, True), (0, False)])
def test_pass_mark_is_26_of_40(itil_bank: Bank, right: int, passed: bool):
    questions = draw(itil_bank, ITIL4_FOUNDATION, random.Random(1))
    area_of = {t.slug: t.area for t in itil_bank.topics}
    result = score(ITIL4_FOUNDATION, questions, {i: True for i in range(right)}, area_of)
    assert (result.score, result.passed, len(result.missed)) == (right, passed, 40 - right)
    assert sum(asked for _, _, asked in result.by_area) == 40
    assert sum(got for _, got, _ in result.by_area) == right


def test_banks_without_the_syllabus_have_no_exam(small_bank_dir):
    with pytest.raises(ExamUnavailable):
        blueprint_for(load_bank(small_bank_dir))


def test_progress_by_topic_and_weakest(small_bank_dir):
    bank = load_bank(small_bank_dir)
    scores = by_topic(bank, {"alpha-1": (2, 2), "alpha-2": (1, 0), "beta-1": (3, 1),
                             "gone": (5, 0)})
    assert scores == [TopicScore("alpha", "Alpha things", 3, 2),
                      TopicScore("beta", "Beta things", 3, 1)]
    assert [s.slug for s in weakest(scores)] == ["beta", "alpha"]
    assert weakest([TopicScore("x", "X", 1, 0)]) == []  # one answer is not enough to judge
    assert bar(0.5) == "▓▓▓▓▓░░░░░" and bar(1.2) == "▓" * 10 and bar(0) == "░" * 10
