"""Bank loading and validation: every error kind, reported all at once with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank import BankError, load_bank
from tests.conftest import SMALL_TOPIC, small_question, write_bank


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank(directory)
    return [str(issue) for issue in caught.value.issues]


def test_loads_typed_frozen_questions(small_bank_dir: Path):
    bank = load_bank(small_bank_dir)
    assert [t.slug for t in bank.topics] == ["alpha", "beta"]
    assert len(bank) == 5
    question = bank.question("alpha-2")
    assert question.topic == "alpha"
    assert question.options[question.correct_index].text == "alpha right 2"
    with pytest.raises(AttributeError):
        question.text = "changed"  # type: ignore[misc]


def test_every_problem_is_listed_with_file_line_question_and_field(tmp_path: Path):
    broken = (
        "topic: broken\n"
        "title: Broken\n"
        "questions:\n"
        "  - id: two-right\n"
        "    question: Which?\n"
        "    options:\n"
        "      - text: one\n"
        "        correct: true\n"
        "      - text: two\n"
        "        correct: true\n"
        "    explanation: Because.\n"
        "  - id: no-right\n"
        "    question: Which?\n"
        "    options:\n"
        "      - text: one\n"
        "      - text: two\n"
        "    explanation: Because.\n"
        "  - id: Bad_ID\n"
        "    question: Which?\n"
        "    options: [{text: a, correct: true}, {text: b}]\n"
        "    explanation: Because.\n"
        "  - id: lonely\n"
        "    question: Which?\n"
        "    options: [{text: a, correct: true}]\n"
        "    explanation: Because.\n"
        "  - id: no-explanation\n"
        "    question: Which?\n"
        "    options: [{text: a, correct: true}, {text: b}]\n"
        "  - id: hard-word\n"
        "    question: Which?\n"
        "    options: [{text: a, correct: true}, {text: b}]\n"
        "    explanation: Because.\n"
        "    difficulty: brutal\n"
        "    colour: blue\n"
        "  - id: same-options\n"
        "    question: Which?\n"
        "    options: [{text: a, correct: true}, {text: A}]\n"
        "    explanation: Because.\n"
        "  - id: too-long\n"
        f"    question: {'x' * 1001}\n"
        "    options: [{text: a, correct: true}, {text: b}]\n"
        "    explanation: Because.\n"
    )
    write_bank(tmp_path, {"broken.yaml": broken})
    errors = errors_of(tmp_path)
    expected = [
        "broken.yaml:6, question 'two-right', field 'options': has 2 options marked correct",
        "broken.yaml:14, question 'no-right', field 'options': has 0 options marked correct",
        "broken.yaml:18, field 'id': question #3: id must use only",
        "broken.yaml:24, question 'lonely', field 'options': has 1 options",
        "question 'no-explanation', field 'explanation': is missing",
        "question 'hard-word', field 'difficulty': must be one of easy, medium, hard",
        "broken.yaml:34, question 'hard-word', field 'colour': unknown key",
        "question 'same-options', field 'options': two options have the same text",
        "broken.yaml:40, question 'too-long', field 'question': is 1001 characters",
    ]
    for fragment in expected:
        assert any(fragment in error for error in errors), (fragment, errors)
    assert len(errors) == len(expected)


def test_ids_and_topics_must_be_unique_across_files(tmp_path: Path):
    write_bank(tmp_path, {
        "a.yaml": SMALL_TOPIC.format(slug="same", title="A", items=small_question("shared-id")),
        "b.yaml": SMALL_TOPIC.format(slug="same", title="B", items=small_question("shared-id")),
    })
    errors = errors_of(tmp_path)
    assert any("b.yaml:1, field 'topic': topic 'same' is already used by a.yaml" in e
               for e in errors), errors
    assert any("b.yaml:4, question 'shared-id', field 'id': id is already used in a.yaml" in e
               for e in errors), errors


def test_invalid_yaml_and_wrong_shapes_are_reported_per_file(tmp_path: Path):
    write_bank(tmp_path, {
        "bad-syntax.yaml": "topic: x\nquestions: [\n",
        "a-list.yaml": "- just\n- a list\n",
        "no-questions.yaml": "topic: empty\ntitle: Empty\nquestions: []\n",
        "dupe-key.yaml": "topic: dk\ntitle: T\ntitle: T2\nquestions:\n"
        + small_question("dk-1"),
        "bad-slug.yaml": SMALL_TOPIC.format(slug="Bad Slug", title="T",
                                            items=small_question("bs-1")),
    })
    errors = errors_of(tmp_path)
    assert any(e.startswith("bad-syntax.yaml:") and "not valid YAML" in e for e in errors)
    assert any(e.startswith("a-list.yaml: the file must be a mapping") for e in errors)
    assert any("no-questions.yaml:3, field 'questions'" in e for e in errors)
    assert any("dupe-key.yaml:3, field 'title': key appears twice" in e for e in errors)
    assert any("bad-slug.yaml:1, field 'topic'" in e for e in errors)


def test_missing_or_empty_directory(tmp_path: Path):
    assert "is not a directory" in errors_of(tmp_path / "nope")[0]
    assert "holds no *.yaml question files" in errors_of(tmp_path)[0]
