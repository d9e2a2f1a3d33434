"""The bundled ITIL 4 Foundation bank: structure and coverage (not wording)."""

from __future__ import annotations

from collections import Counter

from bot.bank import Bank

SYLLABUS_TOPICS = {
    "key-concepts", "customers", "guiding-principles", "four-dimensions",
    "service-value-system", "value-chain", "practice-purposes", "continual-improvement",
    "change-enablement", "incident-management", "problem-management",
    "service-request-management", "service-desk", "service-level-management",
}
DETAILED = {"continual-improvement", "change-enablement", "incident-management",
            "problem-management", "service-request-management", "service-desk",
            "service-level-management"}
AREAS = {"key-concepts", "guiding-principles", "four-dimensions", "service-value-system",
         "value-chain", "practice-purposes", "practices-detail"}


def test_every_syllabus_area_is_covered_with_enough_questions(itil_bank: Bank):
    counts = {topic.slug: len(topic.questions) for topic in itil_bank.topics}
    assert set(counts) == SYLLABUS_TOPICS
    assert sum(counts.values()) >= 240
    assert min(counts.values()) >= 8
    detailed_avg = sum(counts[t] for t in DETAILED) / len(DETAILED)
    other_avg = sum(counts[t] for t in SYLLABUS_TOPICS - DETAILED) / len(SYLLABUS_TOPICS - DETAILED)
    assert min(counts[t] for t in DETAILED) >= 14
    assert detailed_avg >= 14 and other_avg >= 8


def test_files_name_their_syllabus_and_area(itil_bank: Bank):
    for topic in itil_bank.topics:
        assert topic.syllabus == "ITIL 4 Foundation", topic.slug
        assert topic.area in AREAS, topic.slug
    assert {t.slug for t in itil_bank.topics if t.area == "practices-detail"} == DETAILED


def test_items_have_the_exam_format(itil_bank: Bank):
    difficulties = Counter()
    for question in itil_bank:
        assert len(question.options) == 4, question.id
        assert sum(option.correct for option in question.options) == 1, question.id
        assert question.difficulty in {"easy", "medium", "hard"}, question.id
        assert question.explanation.count(".") >= 2, question.id
        difficulties[question.difficulty] += 1
    assert all(difficulties[level] > 0 for level in ("easy", "medium", "hard"))


def test_exam_question_styles_are_mixed(itil_bank: Bank):
    texts = [q.text for q in itil_bank]
    assert sum(" NOT " in t or t.startswith("NOT") for t in texts) >= 15
    assert sum("[?]" in t or "missing word" in t.lower() for t in texts) >= 15
    assert sum("1." in t and "2." in t for t in texts) >= 15


def test_seed_items_are_in_customers(itil_bank: Bank):
    customers = {q.id: q for q in itil_bank.topic("customers").questions}
    external = customers["external-customer"]
    assert "external" in external.text.lower()
    assert "different organization" in external.options[external.correct_index].text.lower()
    role = customers["customer-role"]
    right = role.options[role.correct_index].text.lower()
    assert "requirement" in right and "outcome" in right
