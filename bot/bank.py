"""Question bank: YAML files under one directory -> frozen, validated questions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 40
# Topic slugs travel in callback data ("n:<topic>", 64 bytes at most) and in commands.
MAX_TOPIC_LENGTH = 32
MIN_OPTIONS, MAX_OPTIONS = 2, 6
# Telegram counts the 4096-character limit on the parsed text, so these leave room for the
# letters, marks, verdict and streak lines around the bank text in one message.
MAX_QUESTION_CHARS = 1000
MAX_OPTION_CHARS = 300
MAX_EXPLANATION_CHARS = 2500
MAX_TITLE_CHARS = 80
DIFFICULTIES = ("easy", "medium", "hard")

FILE_KEYS = {"topic", "title", "questions", "syllabus", "area"}
QUESTION_KEYS = {"id", "question", "options", "explanation", "difficulty"}
OPTION_KEYS = {"text", "correct"}


@dataclass(frozen=True)
class Option:
    """One answer option as written in the bank."""

    text: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    """A validated multiple-choice question with exactly one correct option."""

    id: str
    topic: str
    text: str
    options: tuple[Option, ...]
    explanation: str
    difficulty: str | None = None

    @property
    def correct_index(self) -> int:
        """Index (in bank order) of the one correct option."""
        return next(i for i, option in enumerate(self.options) if option.correct)


@dataclass(frozen=True)
class Topic:
    """One question file: a topic slug, its title and its questions."""

    slug: str
    title: str
    questions: tuple[Question, ...]
    area: str | None = None
    syllabus: str | None = None


@dataclass(frozen=True)
class Bank:
    """Every topic of the bank, with lookups by question id and topic slug."""

    topics: tuple[Topic, ...]
    _by_id: dict[str, Question] = field(init=False, repr=False, compare=False)
    _by_slug: dict[str, Topic] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_by_id", {q.id: q for topic in self.topics for q in topic.questions}
        )
        object.__setattr__(self, "_by_slug", {topic.slug: topic for topic in self.topics})

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Question]:
        return iter(self._by_id.values())

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None if the bank no longer has it."""
        return self._by_id.get(question_id)

    def topic(self, slug: str) -> Topic | None:
        """The topic with exactly this slug, or None."""
        return self._by_slug.get(slug)


@dataclass(frozen=True)
class BankIssue:
    """One problem found while loading: where it is and what is wrong."""

    file: str
    message: str
    line: int | None = None
    question_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.question_id:
            parts.append(f"question {self.question_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return f"{', '.join(parts)}: {self.message}"


class BankError(Exception):
    """The bank is invalid; `issues` lists every problem found."""

    def __init__(self, issues: list[BankIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


class _Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int | None = None
    key_lines: dict[Any, int]


# libyaml's parser is several times faster than the pure-Python one and keeps line marks.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            duplicates.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    mapping.duplicates = duplicates
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _FileChecker:
    """Collects the issues of one file while turning it into a Topic."""

    def __init__(self, path: Path, issues: list[BankIssue]) -> None:
        self.name = path.name
        self.path = path
        self.issues = issues
        self.data: _Mapping | None = None

    def issue(
        self,
        message: str,
        *,
        line: int | None = None,
        question_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.issues.append(BankIssue(self.name, message, line, question_id, field))

    def load(self) -> Topic | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.issue(f"cannot read the file: {exc}")
            return None
        try:
            data = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            self.issue(f"not valid YAML: {problem}", line=mark.line + 1 if mark else None)
            return None
        if not isinstance(data, _Mapping):
            self.issue("the file must be a mapping with topic, title and questions")
            return None
        self.data = data
        return self.topic(data)

    def topic(self, data: _Mapping) -> Topic | None:
        self._duplicate_keys(data, None)
        for key in sorted(set(map(str, data)) - FILE_KEYS):
            self.issue("unknown key", line=data.key_lines.get(key), field=key)

        slug = data.get("topic")
        if not isinstance(slug, str) or not ID_PATTERN.match(slug):
            self.issue(
                "must be a slug of lowercase letters, digits and dashes",
                line=data.key_lines.get("topic", data.line),
                field="topic",
            )
            slug = None
        elif len(slug) > MAX_TOPIC_LENGTH:
            self.issue(
                f"is {len(slug)} characters; at most {MAX_TOPIC_LENGTH}",
                line=data.key_lines.get("topic"),
                field="topic",
            )
            slug = None
        title = self._text(data, "title", MAX_TITLE_CHARS, None, data.line)
        area = data.get("area")
        if area is not None and (not isinstance(area, str) or not ID_PATTERN.match(area)):
            self.issue("must be a slug", line=data.key_lines.get("area"), field="area")
        syllabus = data.get("syllabus")
        if syllabus is not None and (not isinstance(syllabus, str) or not syllabus.strip()):
            self.issue("must be a non-empty text", line=data.key_lines.get("syllabus"),
                       field="syllabus")

        raw_questions = data.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.issue(
                "must be a non-empty list of questions",
                line=data.key_lines.get("questions", data.line),
                field="questions",
            )
            return None
        questions = []
        for index, raw in enumerate(raw_questions, start=1):
            question = self.question(raw, index, slug or "")
            if question is not None:
                questions.append(question)
        if slug is None or title is None or len(questions) != len(raw_questions):
            return None
        return Topic(
            slug=slug,
            title=title,
            questions=tuple(questions),
            area=area if isinstance(area, str) else None,
            syllabus=syllabus.strip() if isinstance(syllabus, str) else None,
        )

    def question(self, raw: object, index: int, topic: str) -> Question | None:
        if not isinstance(raw, _Mapping):
            self.issue(f"question #{index} must be a mapping", field="questions")
            return None
        ok = True
        qid = raw.get("id")
        if not isinstance(qid, str) or not ID_PATTERN.match(qid):
            self.issue(
                f"question #{index}: id must use only a-z, 0-9 and single dashes",
                line=raw.key_lines.get("id", raw.line),
                field="id",
            )
            qid, ok = None, False
        elif len(qid) > MAX_ID_LENGTH:
            self.issue(
                f"id is {len(qid)} characters; at most {MAX_ID_LENGTH}",
                line=raw.key_lines.get("id"),
                question_id=qid,
                field="id",
            )
            ok = False
        label = qid or f"#{index}"
        self._duplicate_keys(raw, label)
        for key in sorted(set(map(str, raw)) - QUESTION_KEYS):
            self.issue("unknown key", line=raw.key_lines.get(key), question_id=label, field=key)
            ok = False

        text = self._text(raw, "question", MAX_QUESTION_CHARS, label, raw.line)
        explanation = self._text(raw, "explanation", MAX_EXPLANATION_CHARS, label, raw.line)
        options = self._options(raw, label)
        difficulty = raw.get("difficulty")
        if difficulty is not None and difficulty not in DIFFICULTIES:
            self.issue(
                f"must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}",
                line=raw.key_lines.get("difficulty"),
                question_id=label,
                field="difficulty",
            )
            ok = False
        if not ok or qid is None or text is None or explanation is None or options is None:
            return None
        return Question(qid, topic, text, options, explanation, difficulty)

    def _options(self, raw: _Mapping, label: str) -> tuple[Option, ...] | None:
        line = raw.key_lines.get("options", raw.line)
        items = raw.get("options")
        if not isinstance(items, list):
            self.issue("must be a list of options", line=line, question_id=label, field="options")
            return None
        options: list[Option] = []
        ok = True
        for number, item in enumerate(items, start=1):
            where = f"options[{number}]"
            if not isinstance(item, _Mapping):
                self.issue("must be a mapping with text (and correct: true on one option)",
                           line=line, question_id=label, field=where)
                ok = False
                continue
            for key in sorted(set(map(str, item)) - OPTION_KEYS):
                self.issue("unknown key", line=item.key_lines.get(key), question_id=label,
                           field=f"{where}.{key}")
                ok = False
            text = self._text(item, "text", MAX_OPTION_CHARS, label, item.line, prefix=where)
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                self.issue("must be true or false", line=item.key_lines.get("correct"),
                           question_id=label, field=f"{where}.correct")
                ok = False
            if text is None:
                ok = False
                continue
            options.append(Option(text, correct is True))
        if not MIN_OPTIONS <= len(items) <= MAX_OPTIONS:
            self.issue(
                f"has {len(items)} options; a question needs {MIN_OPTIONS} to {MAX_OPTIONS}",
                line=line, question_id=label, field="options",
            )
            ok = False
        correct_count = sum(option.correct for option in options)
        if ok and correct_count != 1:
            self.issue(
                f"has {correct_count} options marked correct: true; exactly one must be",
                line=line, question_id=label, field="options",
            )
            ok = False
        texts = [option.text.casefold() for option in options]
        if len(set(texts)) != len(texts):
            self.issue("two options have the same text", line=line, question_id=label,
                       field="options")
            ok = False
        return tuple(options) if ok else None

    def _text(
        self,
        data: _Mapping,
        key: str,
        limit: int,
        label: str | None,
        fallback_line: int | None,
        prefix: str | None = None,
    ) -> str | None:
        name = f"{prefix}.{key}" if prefix else key
        value = data.get(key)
        line = data.key_lines.get(key, fallback_line)
        if value is None:
            self.issue("is missing", line=fallback_line, question_id=label, field=name)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.issue("must be a non-empty text", line=line, question_id=label, field=name)
            return None
        value = value.strip()
        if len(value) > limit:
            self.issue(f"is {len(value)} characters; at most {limit}", line=line,
                       question_id=label, field=name)
            return None
        return value

    def _duplicate_keys(self, data: _Mapping, label: str | None) -> None:
        for key, line in getattr(data, "duplicates", []):
            self.issue("key appears twice", line=line, question_id=label, field=str(key))


def load_bank(directory: Path | str) -> Bank:
    """Load and validate every `*.yaml` file in `directory`; raise BankError listing all issues."""
    directory = Path(directory)
    issues: list[BankIssue] = []
    if not directory.is_dir():
        raise BankError([BankIssue(str(directory), "is not a directory")])
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not paths:
        raise BankError([BankIssue(str(directory), "holds no *.yaml question files")])

    topics: list[Topic] = []
    checkers = [_FileChecker(path, issues) for path in paths]
    for checker in checkers:
        topic = checker.load()
        if topic is not None:
            topics.append(topic)
    _check_across_files(checkers, issues)
    if issues:
        raise BankError(issues)
    return Bank(tuple(topics))


def _check_across_files(checkers: list[_FileChecker], issues: list[BankIssue]) -> None:
    """Topic slugs and question ids must be unique across the whole bank."""
    slug_files: dict[str, str] = {}
    id_files: dict[str, str] = {}
    for checker in checkers:
        data = checker.data
        if data is None:
            continue  # unreadable: already reported by the per-file check
        slug = data.get("topic")
        if isinstance(slug, str):
            if slug in slug_files:
                checker.issue(f"topic {slug!r} is already used by {slug_files[slug]}",
                              line=data.key_lines.get("topic"), field="topic")
            else:
                slug_files[slug] = checker.name
        raw_questions = data.get("questions")
        for raw in raw_questions if isinstance(raw_questions, list) else []:
            if not isinstance(raw, _Mapping) or not isinstance(raw.get("id"), str):
                continue
            qid = raw["id"]
            if qid in id_files:
                checker.issue(f"id is already used in {id_files[qid]}",
                              line=raw.key_lines.get("id"), question_id=qid, field="id")
            else:
                id_files[qid] = checker.name
