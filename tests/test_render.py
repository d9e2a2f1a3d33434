"""Rendering and callback data: escaping, Telegram's size limits, forgery-proof parsing."""

from __future__ import annotations

import random

from bot.bank import Bank, Option, Question
from bot.models import MemberStats, Streak
from bot.quiz.choose import shuffled_order
from bot.quiz.grade import grade
from bot.sandbox.html_text import parse_html, utf16_len
from bot.telegram import keyboards, render


def hostile_question() -> Question:
    return Question(
        id="q", topic="t", text="Is 1 < 2 & 3 > 2? <b>not bold</b>",
        options=(Option("<script>", True), Option("a & b"), Option("x > y")),
        explanation="Because <i> is not a tag here & that is fine.",
    )


def test_bank_text_is_escaped_and_parses_back_to_itself():
    question = hostile_question()
    html = render.question(question, "Tags <&>", (1, 0, 2))
    text, _ = parse_html(html)
    assert question.text in text
    assert "B. <script>" in text
    assert "Tags <&>" in text
    verdict = render.verdict(question, (1, 0, 2), grade(question, 2), Streak(0, 4))
    text, _ = parse_html(verdict)
    assert question.explanation in text
    assert "streak 0 (best 4)" in text


def test_every_bank_question_fits_telegram_limits(itil_bank: Bank):
    rng = random.Random(3)
    longest = 0
    for question in itil_bank:
        order = shuffled_order(len(question.options), rng)
        title = itil_bank.topic(question.topic).title
        for html in (
            render.question(question, title, order),
            render.answered_question(question, title, order, order[0]),
            render.verdict(question, order, grade(question, order[0]), Streak(999, 999)),
        ):
            text, _ = parse_html(html)
            longest = max(longest, utf16_len(text))
        for choice in range(len(question.options)):
            assert len(render.toast(grade(question, choice), order)) <= render.MAX_TOAST
    assert longest <= 4096


def test_stats_text():
    assert "no answers yet" in render.stats("Ann", MemberStats(0, 0, Streak()))
    text = render.stats("Ann", MemberStats(3, 2, Streak(1, 2)))
    assert "Answered: 3" in text and "Correct: 2 (67%)" in text and "streak 1 (best 2)" in text


def test_callback_data_round_trip_and_forgeries():
    keyboard = keyboards.answer_keyboard(123456789012, 6)
    datas = [button.callback_data for button in keyboard.inline_keyboard[0]]
    assert [keyboards.parse_callback(d) for d in datas] == [
        keyboards.AnswerTap(123456789012, letter) for letter in "ABCDEF"
    ]
    assert all(len(d.encode()) <= 64 for d in datas)
    assert keyboards.parse_callback("n:customers") == keyboards.NextTap("customers")
    assert keyboards.parse_callback("n:*") == keyboards.NextTap(None)
    next_data = keyboards.next_keyboard("x" * 32).inline_keyboard[0][0].callback_data
    assert len(next_data.encode()) <= 64
    for forged in ("", None, "a:1:G", "a:-1:A", "a:1:A:extra", "n:../etc", "a:1:a", "zz"):
        assert keyboards.parse_callback(forged) is None, forged
