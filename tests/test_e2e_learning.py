"""End to end: spaced repetition, /review, /stats by topic, the mock exam, /forget."""

from __future__ import annotations

import re
import sqlite3

from fsrs import Rating

from bot.quiz.review import Reviewer
from bot.sandbox import SandboxServer
from bot.store import Store
from tests.conftest import FakeClock


def asked_id(bot, message) -> str:
    return next(q.id for q in bot.bank if q.text in message.text)


async def test_missed_item_returns_before_unseen_once_due(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, small_bank_dir
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner(bank_dir=small_bank_dir) as bot:
        first = await bot.say(chat, alice, "/quiz alpha")
        missed = asked_id(bot, first)
        await bot.answer(chat, first, alice, right=False)
        second = await bot.say(chat, alice, "/quiz alpha")
        assert asked_id(bot, second) != missed  # not due yet: an unseen one comes
        clock.advance(minutes=2)  # FSRS: a lapse is due again after one minute
        third = await bot.say(chat, alice, "/quiz alpha")
        assert asked_id(bot, third) == missed  # due review before the last unseen item


async def test_right_answer_moves_due_as_fsrs_says_and_review_names_next_due(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, small_bank_dir
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner(bank_dir=small_bank_dir) as bot:
        nothing = await bot.say(chat, alice, "/review")
        assert "Nothing to review yet" in nothing.text

        question = await bot.say(chat, alice, "/quiz alpha")
        clock.advance(seconds=20)
        answered_at = clock()
        await bot.answer(chat, question, alice)

        expected = Reviewer(fuzz=False).review(None, Rating.Good, answered_at, 1).due
        store = await Store.open(bot.settings.database_path)
        try:
            card = await store.card(alice.id, asked_id(bot, question))
        finally:
            await store.close()
        assert card.due == expected and card.due > answered_at

        reply = await bot.say(chat, alice, "/review")
        assert "Nothing is due right now" in reply.text
        assert f"{expected:%H:%M}" in reply.text and "in 10 min" in reply.text

        clock.now = expected
        review = await bot.say(chat, alice, "/review")
        assert asked_id(bot, review) == asked_id(bot, question)
        verdict = await bot.answer(chat, review, alice)
        assert verdict.button_data("Next review") == "r:next"
        await bot.tap(chat, verdict, alice, button="Next review")
        after = await sandbox.next_bot_message(chat, after=verdict.message_id)
        assert "Nothing is due right now" in after.text


async def test_stats_name_the_weakest_topic(
    sandbox: SandboxServer, bot_runner, small_bank_dir
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner(bank_dir=small_bank_dir) as bot:
        for topic, right in (("alpha", True), ("alpha", True), ("beta", False), ("beta", True)):
            question = await bot.say(chat, alice, f"/quiz {topic}")
            letter = bot.correct_letter(question) if right else bot.wrong_letter(question)
            await bot.tap(chat, question, alice, letter=letter)
            await sandbox.next_bot_message(chat, after=question.message_id)
        stats = await bot.say(chat, alice, "/stats")
    assert "Answered: 4" in stats.text and "Correct: 3 (75%)" in stats.text
    assert re.search(r"▓{5}░{5}\s+50% Beta things \(1/2\)", stats.text)
    assert re.search(r"▓{10}\s+100% Alpha things \(2/2\)", stats.text)
    assert "Weakest: Beta things." in stats.text
    assert "/quiz beta" in stats.text
    assert "Reviews due now: 0" in stats.text  # the clock has not moved: nothing due yet


async def test_mock_exam_proportions_scoring_restart_and_results(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        intro = await bot.say(chat, alice, "/exam")
        assert "40 questions, 60 minutes, pass mark 26/40" in intro.text
        question = await sandbox.next_bot_message(chat, after=intro.message_id)
        answered = []
        for number in range(1, 11):
            assert f"Question {number} of 40" in question.text
            assert "Tap" not in question.text and "📘" not in question.text
            toast = await bot.tap(chat, question, alice, letter=bot.correct_letter(question))
            assert toast["text"].endswith("recorded.")  # no verdict during the exam
            answered.append(asked_id(bot, question))
            question = await sandbox.next_bot_message(chat, after=question.message_id)

    async with bot_runner(seed=3) as bot:  # the exam survives a restart
        status = await bot.say(chat, alice, "/exam")
        assert "10 of 40 answered" in status.text
        question = await sandbox.next_bot_message(chat, after=status.message_id)
        assert "Question 11 of 40" in question.text
        for number in range(11, 41):
            letter = bot.correct_letter(question) if number <= 26 else bot.wrong_letter(question)
            await bot.tap(chat, question, alice, letter=letter)
            answered.append(asked_id(bot, question))
            if number < 40:
                question = await sandbox.next_bot_message(chat, after=question.message_id)
        result = await sandbox.next_bot_message(chat, after=question.message_id)
        assert "Mock exam result: 26/40" in result.text and "PASS" in result.text
        await sandbox.wait_for(lambda: sum(m.text.count("\n✅ ") for m in sandbox.bot_messages(chat)
                                           if m.message_id > result.message_id) == 14)
        pages = [m for m in sandbox.bot_messages(chat) if m.message_id > result.message_id]
        assert all(len(p.text) <= 4096 for p in pages)

    areas = {t.slug: t.area for t in bot.bank.topics}
    counts = {}
    for question_id in answered:
        area = areas[bot.bank.question(question_id).topic]
        counts[area] = counts.get(area, 0) + 1
    assert counts == {"key-concepts": 5, "guiding-principles": 6, "four-dimensions": 2,
                      "service-value-system": 1, "value-chain": 2, "practice-purposes": 7,
                      "practices-detail": 17}
    assert len(set(answered)) == 40


async def test_mock_exam_times_out_at_sixty_minutes(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        intro = await bot.say(chat, alice, "/exam")
        question = await sandbox.next_bot_message(chat, after=intro.message_id)
        second = await bot.answer(chat, question, alice)
        clock.advance(minutes=60)
        late = await bot.tap(chat, second, alice, letter=bot.correct_letter(second))
        assert "does not count" in late["text"]
        result = await sandbox.next_bot_message(chat, after=second.message_id)
        assert "Mock exam result: 1/40" in result.text and "Time ran out" in result.text
        await sandbox.wait_for(lambda: sum(m.text.count("\n✅ ") for m in sandbox.bot_messages(chat)
                                           if m.message_id > result.message_id) == 39)
        again = await bot.say(chat, alice, "/exam stop")
        assert "No mock exam is running" in again.text


async def test_forget_removes_the_users_rows_and_nothing_else(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice, bob = sandbox.user(11, "Alice"), sandbox.user(12, "Bob")
    mine, his = sandbox.private_chat(alice), sandbox.private_chat(bob)
    async with bot_runner() as bot:
        for chat, user in ((mine, alice), (his, bob)):
            question = await bot.say(chat, user, "/quiz")
            await bot.answer(chat, question, user)
        database = bot.settings.database_path
        before = table_counts(database)

        confirm = await bot.say(mine, alice, "/forget")
        assert "cannot be undone" in confirm.text
        await bot.tap(mine, confirm, alice, button="Cancel")
        assert table_counts(database) == before
        confirm = await bot.say(mine, alice, "/forget")
        await bot.tap(mine, confirm, alice, button="Yes")
        await sandbox.wait_for(lambda: confirm.text.startswith("Done"))

    after = table_counts(database)
    for table in ("answers", "reviews", "streaks", "users"):
        assert after[table] == before[table] - 1, table
    assert rows_of(database, alice.id) == 0
    assert rows_of(database, bob.id) > 0


def table_counts(database) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("answers", "reviews", "streaks", "users", "chats", "asks")}


def rows_of(database, user_id: int) -> int:
    with sqlite3.connect(database) as db:
        return sum(db.execute(sql, (user_id,)).fetchone()[0] for sql in (
            "SELECT COUNT(*) FROM answers WHERE user_id = ?",
            "SELECT COUNT(*) FROM reviews WHERE user_id = ?",
            "SELECT COUNT(*) FROM streaks WHERE user_id = ?",
            "SELECT COUNT(*) FROM users WHERE id = ?",
            "SELECT COUNT(*) FROM chats WHERE id = ?",
            "SELECT COUNT(*) FROM exams WHERE user_id = ?",
        ))
