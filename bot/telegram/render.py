"""Message texts in Telegram's HTML parse mode; bank text is always escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.bank import Bank, Question, Topic
from bot.models import MemberStats, Streak
from bot.quiz.grade import LETTERS, Verdict

MAX_TOAST = 200

COMMANDS: tuple[tuple[str, str], ...] = (
    ("quiz", "A question (add a topic: /quiz customers)"),
    ("topics", "The topics you can be quizzed on"),
    ("stats", "Your answers, accuracy and streak"),
    ("help", "How to use the bot"),
    ("start", "Welcome and quick start"),
)


def welcome(first_name: str | None, bank: Bank) -> str:
    """The /start text."""
    hello = f"Hi {escape(first_name)}!" if first_name else "Hi!"
    return (
        f"{hello} I am Quiz Tutor. I ask you multiple-choice questions, tell you at once "
        "whether you were right, and explain why each option is right or wrong.\n\n"
        f"The bank has {len(bank)} questions in {len(bank.topics)} topics.\n\n"
        "• /quiz — a question from any topic\n"
        "• /quiz <i>topic</i> — a question from one topic, e.g. "
        f"<code>/quiz {escape(bank.topics[0].slug)}</code>\n"
        "• /topics — the topics\n"
        "• /help — everything I can do"
    )


def help_text() -> str:
    """The /help text."""
    lines = ["<b>Quiz Tutor</b> — practice multiple-choice questions, one at a time.", ""]
    lines += [f"/{name} — {escape(description)}" for name, description in COMMANDS]
    lines += [
        "",
        "Tap a letter under a question to answer it. You get the right answer, an explanation "
        "of every option, and your streak (right answers in a row). "
        "Tap <b>Next question</b> to keep going.",
        "",
        "Topic names can be shortened: <code>/quiz cust</code> finds <i>customers</i>.",
    ]
    return "\n".join(lines)


def topics_list(topics: Sequence[Topic]) -> str:
    """Every topic with its size and the command to start it."""
    lines = ["<b>Topics</b>"]
    for topic in topics:
        lines.append(
            f"• <b>{escape(topic.title)}</b> ({len(topic.questions)}) — "
            f"<code>/quiz {escape(topic.slug)}</code>"
        )
    return "\n".join(lines)


def unknown_topic(query: str, candidates: Sequence[Topic], topics: Sequence[Topic]) -> str:
    """Reply to /quiz with a topic that matches none, or several."""
    if candidates:
        head = f"“{escape(query)}” matches several topics; which one did you mean?"
        shown = candidates
    else:
        head = f"I have no topic called “{escape(query)}”."
        shown = topics
    options = "\n".join(f"• <code>/quiz {escape(t.slug)}</code> — {escape(t.title)}" for t in shown)
    return f"{head}\n\n{options}"


def question(question: Question, topic_title: str | None, order: tuple[int, ...]) -> str:
    """A question with its options lettered in the shuffled order."""
    head = f"📘 <b>{escape(topic_title)}</b>\n\n" if topic_title else ""
    options = "\n".join(
        f"<b>{LETTERS[position]}.</b> {escape(question.options[index].text)}"
        for position, index in enumerate(order)
    )
    return f"{head}{escape(question.text)}\n\n{options}\n\n<i>Tap a letter to answer.</i>"


def answered_question(
    question: Question, topic_title: str | None, order: tuple[int, ...], chosen: int | None
) -> str:
    """The question after it was answered: the right option and the chosen one marked."""
    head = f"📘 <b>{escape(topic_title)}</b>\n\n" if topic_title else ""
    lines = []
    for position, index in enumerate(order):
        text = f"{LETTERS[position]}. {escape(question.options[index].text)}"
        if index == question.correct_index:
            lines.append(f"✅ <b>{text}</b>")
        elif index == chosen:
            lines.append(f"❌ <s>{text}</s>")
        else:
            lines.append(f"▫️ {text}")
    return f"{head}{escape(question.text)}\n\n" + "\n".join(lines)


def streak_line(streak: Streak) -> str:
    """The streak sentence shown after every answer."""
    return f"🔥 Current streak {streak.current} (best {streak.best})"


def verdict(
    question: Question, order: tuple[int, ...], result: Verdict, streak: Streak
) -> str:
    """The reply after a tap: right or wrong, the right option, the explanation, the streak."""
    right = question.correct_index
    right_letter = LETTERS[order.index(right)]
    if result.correct:
        head = f"✅ <b>Correct!</b> {right_letter}. {escape(question.options[right].text)}"
    else:
        chosen_letter = LETTERS[order.index(result.choice)]
        head = (
            f"❌ <b>Not quite.</b> You chose {chosen_letter}; the right answer is "
            f"<b>{right_letter}. {escape(question.options[right].text)}</b>"
        )
    return f"{head}\n\n{escape(question.explanation)}\n\n{streak_line(streak)}"


def toast(result: Verdict, order: tuple[int, ...]) -> str:
    """The callback toast for a counted answer (at most 200 characters)."""
    if result.correct:
        return "✅ Correct!"
    return f"❌ Not quite: the right answer is {LETTERS[order.index(result.correct_choice)]}."


def stats(first_name: str | None, member: MemberStats) -> str:
    """The /stats text."""
    who = escape(first_name) if first_name else "You"
    if not member.answered:
        return f"{who}: no answers yet. Send /quiz to start."
    return (
        f"📊 <b>{who}</b>\n"
        f"Answered: {member.answered}\n"
        f"Correct: {member.correct} ({member.accuracy:.0%})\n"
        f"{streak_line(member.streak)}"
    )
