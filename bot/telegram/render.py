"""Message texts in Telegram's HTML parse mode; bank text is always escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.bank import Bank, Question, Topic
from bot.models import ChatState, LeaderRow, MemberAnswer, MemberStats, Streak
from bot.quiz.exam import ExamResult
from bot.quiz.grade import LETTERS, Verdict
from bot.quiz.progress import TopicScore, bar
from bot.quiz.schedule import DailySchedule

MAX_TOAST = 200

COMMANDS: tuple[tuple[str, str], ...] = (
    ("quiz", "A question (add a topic: /quiz customers)"),
    ("topics", "The topics you can be quizzed on"),
    ("review", "Questions due for review (spaced repetition)"),
    ("exam", "A timed mock exam: 40 questions, 60 minutes"),
    ("stats", "Your answers, accuracy, streak and weakest topics"),
    ("leaderboard", "Top members of this chat (add: week)"),
    ("daily", "A daily question: /daily 08:30 Europe/Berlin, /daily off"),
    ("window", "Groups: seconds to answer, e.g. /window 90"),
    ("forget", "Delete everything the bot stores about you"),
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
        "",
        "<b>In groups</b> everyone may answer each question once; your toast tells only you "
        "whether you were right, and the answer is revealed when the window closes. "
        "Only group admins may change /daily and /window.",
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


def question(
    question: Question,
    topic_title: str | None,
    order: tuple[int, ...],
    window: timedelta | None = None,
    daily: bool = False,
) -> str:
    """A question with its options lettered in the shuffled order."""
    head = "☀️ <b>Question of the day</b>\n" if daily else ""
    head += f"📘 <b>{escape(topic_title)}</b>\n\n" if topic_title else ""
    options = "\n".join(
        f"<b>{LETTERS[position]}.</b> {escape(question.options[index].text)}"
        for position, index in enumerate(order)
    )
    if window is None:
        footer = "<i>Tap a letter to answer.</i>"
    else:
        footer = (f"<i>Everyone may answer once; the answer is revealed in "
                  f"{duration(window)}.</i>")
    return f"{head}{escape(question.text)}\n\n{options}\n\n{footer}"


def duration(span: timedelta) -> str:
    """A short human duration: 45 s, 2 min, 1 h 30 min."""
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{round(hours / 24)} days"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


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


def toast(result: Verdict, order: tuple[int, ...], in_group: bool = False) -> str:
    """The callback toast for a counted answer (at most 200 characters)."""
    if in_group:
        # Only the tapper sees this; the right letter stays hidden until answers close.
        if result.correct:
            return "✅ Right! Your answer is in; the explanation comes when answers close."
        return "❌ Not right, sorry. The answer and explanation come when answers close."
    if result.correct:
        return "✅ Correct!"
    return f"❌ Not quite: the right answer is {LETTERS[order.index(result.correct_choice)]}."


MAX_NAMES = 40


def _names(answers: Sequence[MemberAnswer], order: tuple[int, ...], right: bool) -> str:
    shown = [
        f"{escape(a.name)} (streak {a.streak.current})" if right
        else f"{escape(a.name)} (chose {LETTERS[order.index(a.choice)]})"
        for a in answers[:MAX_NAMES]
    ]
    more = len(answers) - MAX_NAMES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def reveal(
    question: Question, order: tuple[int, ...], answers: Sequence[MemberAnswer], day_streak: int
) -> str:
    """The group message when answers close: the answer, why, and who was right."""
    right = question.correct_index
    letter = LETTERS[order.index(right)]
    lines = [
        f"⏰ <b>Answers are closed.</b> The right answer is <b>{letter}. "
        f"{escape(question.options[right].text)}</b>",
        "",
        escape(question.explanation),
        "",
    ]
    correct = [a for a in answers if a.correct]
    wrong = [a for a in answers if not a.correct]
    if not answers:
        lines.append("Nobody answered this time.")
    if correct:
        lines.append(f"✅ Right ({len(correct)}): {_names(correct, order, True)}")
    if wrong:
        lines.append(f"❌ Not right ({len(wrong)}): {_names(wrong, order, False)}")
    if day_streak:
        lines.append(f"📅 Group day streak {day_streak}")
    return "\n".join(lines)


def leaderboard(rows: Sequence[LeaderRow], week: bool, chat: ChatState) -> str:
    """The /leaderboard text."""
    span = "this week" if week else "all time"
    if not rows:
        return f"🏆 No answers yet ({span}). Send /quiz to start."
    medals = ["🥇", "🥈", "🥉"]
    lines = [f"🏆 <b>Leaderboard</b> ({span})"]
    for rank, row in enumerate(rows):
        badge = medals[rank] if rank < len(medals) else f"{rank + 1}."
        lines.append(
            f"{badge} {escape(row.name)} — {row.correct}/{row.answered} right "
            f"({row.accuracy:.0%}), best streak {row.best_streak}"
        )
    if chat.day_streak:
        lines.append(f"\n📅 Group day streak {chat.day_streak}")
    other = "/leaderboard" if week else "/leaderboard week"
    lines.append(f"\n<i>See also {other}</i>")
    return "\n".join(lines)


def daily_status(chat: ChatState, schedule: DailySchedule | None) -> str:
    """What /daily shows: the schedule and the next push in local time, or how to set one."""
    if schedule is None or chat.next_push_at is None:
        return (
            "No daily question is set for this chat.\n"
            "Set one with <code>/daily 08:30 Europe/Berlin</code> (24-hour time, "
            "IANA time zone; without a zone the bot's default is used)."
        )
    local = chat.next_push_at.astimezone(schedule.zone)
    text = (
        f"☀️ Daily question at <b>{schedule.label()}</b>.\n"
        f"Next: {local:%a %d %b %H:%M} ({escape(schedule.timezone)}).\n"
        "Stop it with <code>/daily off</code>."
    )
    if chat.paused_reason:
        text += f"\n⚠️ Paused: {escape(chat.paused_reason)}"
    return text


def daily_set(schedule: DailySchedule, next_at: datetime) -> str:
    """Confirmation of a new daily schedule."""
    local = next_at.astimezone(schedule.zone)
    return (f"☀️ Done: a question every day at <b>{schedule.label()}</b>. "
            f"The first comes {local:%a %d %b %H:%M}.")


def stats(
    first_name: str | None,
    member: MemberStats,
    day_streak: int = 0,
    due: int = 0,
    topics: Sequence[TopicScore] = (),
    weak: Sequence[TopicScore] = (),
) -> str:
    """The /stats text: totals, streaks, reviews due, and accuracy per topic."""
    who = escape(first_name) if first_name else "You"
    if not member.answered:
        return f"{who}: no answers yet. Send /quiz to start."
    lines = [
        f"📊 <b>{who}</b>",
        f"Answered: {member.answered}",
        f"Correct: {member.correct} ({member.accuracy:.0%})",
        streak_line(member.streak),
        f"🔁 Reviews due now: {due}" + (" — send /review" if due else ""),
    ]
    if day_streak:
        lines.append(f"📅 Day streak of this chat: {day_streak}")
    if topics:
        lines += ["", "<b>By topic</b>"]
        lines += [
            f"<code>{bar(t.accuracy)}</code> {t.accuracy:>4.0%} {escape(t.title)} "
            f"({t.correct}/{t.answered})"
            for t in topics
        ]
    if weak:
        names = ", ".join(escape(t.title) for t in weak)
        lines += ["", f"Weakest: {names}.",
                  f"Practise the weakest with <code>/quiz {escape(weak[0].slug)}</code>"]
    return "\n".join(lines)


def nothing_due(next_due: datetime | None, now: datetime, zone: str) -> str:
    """/review when no card is due."""
    if next_due is None:
        return ("Nothing to review yet. Questions you answer come back here when they are "
                "due; send /quiz to start.")
    local = next_due.astimezone(ZoneInfo(zone))
    return (f"🔁 Nothing is due right now. The next review is due {local:%a %d %b %H:%M} "
            f"({escape(zone)}), in {duration(next_due - now)}. Meanwhile, /quiz for new ones.")


# -- mock exams --------------------------------------------------------------------------

MAX_MESSAGE = 4096


def exam_intro(size: int, minutes: int, pass_mark: int) -> str:
    """The message that starts a mock exam."""
    return (
        f"📝 <b>Mock exam</b>: {size} questions, {minutes} minutes, pass mark "
        f"{pass_mark}/{size}. Answers are not marked until the end, as in the real exam. "
        "Answers after the time limit do not count. <code>/exam stop</code> abandons it."
    )


def exam_question(
    question: Question, order: tuple[int, ...], position: int, size: int, left: timedelta
) -> str:
    """One exam question: its number, the time left, the lettered options."""
    options = "\n".join(
        f"<b>{LETTERS[pos]}.</b> {escape(question.options[index].text)}"
        for pos, index in enumerate(order)
    )
    return (f"📝 <b>Question {position + 1} of {size}</b> · {duration(left)} left\n\n"
            f"{escape(question.text)}\n\n{options}")


def exam_answered(
    question: Question, order: tuple[int, ...], position: int, size: int, chosen: int
) -> str:
    """An exam question after the answer: the choice, but not whether it was right."""
    lines = [
        f"{'👉' if index == chosen else '▫️'} {LETTERS[pos]}. "
        f"{escape(question.options[index].text)}"
        for pos, index in enumerate(order)
    ]
    return (f"📝 <b>Question {position + 1} of {size}</b>\n\n{escape(question.text)}\n\n"
            + "\n".join(lines))


def exam_result(result: ExamResult, pass_mark: int, timed_out: bool) -> str:
    """The score, the verdict and the breakdown by syllabus area."""
    verdict = "✅ <b>PASS</b>" if result.passed else "❌ <b>not a pass yet</b>"
    lines = [
        f"📝 <b>Mock exam result: {result.score}/{result.size}</b> — {verdict} "
        f"(pass mark {pass_mark})",
    ]
    if timed_out:
        lines.append("⏰ Time ran out; unanswered questions count as wrong.")
    lines.append("")
    lines += [
        f"<code>{bar(right / asked if asked else 0)}</code> {right}/{asked} {escape(label)}"
        for label, right, asked in result.by_area
    ]
    if result.missed:
        lines += ["", f"The {len(result.missed)} question(s) you missed, with explanations, "
                      "follow."]
    else:
        lines += ["", "A perfect score!"]
    return "\n".join(lines)


def missed_pages(missed: Sequence[Question], limit: int = MAX_MESSAGE - 96) -> list[str]:
    """The missed questions with right answers and explanations, in messages under 4096."""
    pages: list[str] = []
    current = ""
    for number, question in enumerate(missed, start=1):
        right = question.options[question.correct_index].text
        block = (f"❌ <b>{number}.</b> {escape(question.text)}\n"
                 f"✅ <b>{escape(right)}</b>\n{escape(question.explanation)}\n\n")
        if current and len(current) + len(block) > limit:
            pages.append(current.rstrip())
            current = ""
        current += block
    if current:
        pages.append(current.rstrip())
    return pages
