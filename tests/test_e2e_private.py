"""End to end: the real Application polls the sandbox Bot API over HTTP; a learner plays."""

from __future__ import annotations

import re

from bot.sandbox import SandboxServer


async def test_start_registers_commands_and_welcomes(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        reply = await bot.say(chat, alice, "/start")
    assert "Hi Alice!" in reply.text
    assert "/quiz" in reply.text
    assert {c["command"] for c in sandbox.commands} >= {"quiz", "topics", "stats", "help", "start"}


async def test_quiz_customers_correct_answer_teaches_and_counts_streak(
    sandbox: SandboxServer, bot_runner
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        question = await bot.say(chat, alice, "/quiz customers")
        assert "Customers, users and sponsors" in question.text
        assert [b["text"] for b in question.buttons] == ["A", "B", "C", "D"]
        assert re.search(r"^A\. ", question.text, re.M)
        assert all(len(b["callback_data"].encode()) <= 64 for b in question.buttons)

        letter = bot.correct_letter(question)
        answer = await bot.tap(chat, question, alice, letter=letter)
        assert answer["text"].startswith("✅")
        verdict = await sandbox.next_bot_message(chat, after=question.message_id)

        asked = bot.bank.topic("customers")
        asked_question = next(q for q in asked.questions if q.text in question.text)
        assert asked_question.explanation in verdict.text
        assert "Correct!" in verdict.text
        assert "streak 1" in verdict.text
        assert verdict.button_data("Next") == "n:customers"
        # The question now shows the right option and has no keyboard left.
        assert not question.buttons
        assert f"✅ {letter}." in question.text


async def test_streak_survives_restart_and_wrong_answer_resets(
    sandbox: SandboxServer, bot_runner
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        question = await bot.say(chat, alice, "/quiz customers")
        first = await bot.answer(chat, question, alice)
        assert "streak 1" in first.text

    # A new process on the same database: the streak continues.
    async with bot_runner(seed=99) as bot:
        await bot.tap(chat, first, alice, button="Next")
        question = await sandbox.next_bot_message(chat, after=first.message_id)
        assert question.buttons
        second = await bot.answer(chat, question, alice)
        assert "streak 2" in second.text
        assert "best 2" in second.text

        question = await bot.say(chat, alice, "/quiz customers")
        toast = await bot.tap(chat, question, alice, letter=bot.wrong_letter(question))
        assert toast["text"].startswith("❌")
        wrong = await sandbox.next_bot_message(chat, after=question.message_id)
        assert "Not quite" in wrong.text
        assert "streak 0 (best 2)" in wrong.text

        stats = await bot.say(chat, alice, "/stats")
        assert "Answered: 3" in stats.text
        assert "Correct: 2 (67%)" in stats.text


async def test_forged_and_stale_callbacks_change_nothing(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    mallory = sandbox.user(66, "Mallory")
    chat = sandbox.private_chat(alice)
    other = sandbox.private_chat(mallory)
    async with bot_runner() as bot:
        question = await bot.say(chat, alice, "/quiz customers")
        ask_id = question.buttons[0]["callback_data"].split(":")[1]
        before = len(sandbox.bot_messages(chat))

        for data in ("a:999:A", "garbage", "a:x:A", f"a:{ask_id}:F", "n:no-such-topic!", ""):
            toast = await bot.tap(chat, question, alice, data=data or "x")
            assert toast["text"], data
        # The same ask tapped from another chat's message is refused too.
        stranger_msg = await bot.say(other, mallory, "/help")
        toast = await bot.tap(other, stranger_msg, mallory, data=f"a:{ask_id}:A")
        assert "not available" in toast["text"]

        assert len(sandbox.bot_messages(chat)) == before
        assert question.buttons, "the real question must still be answerable"
        stats = await bot.say(chat, alice, "/stats")
        assert "no answers yet" in stats.text


async def test_double_tap_is_acknowledged_and_not_counted(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        question = await bot.say(chat, alice, "/quiz customers")
        data = question.buttons[0]["callback_data"]
        wrong_data = data[:-1] + bot.wrong_letter(question)
        right_data = data[:-1] + bot.correct_letter(question)
        first = await bot.tap(chat, question, alice, data=wrong_data)
        assert first["text"].startswith("❌")
        second = await bot.tap(chat, question, alice, data=right_data)
        assert "already answered" in second["text"]
        stats = await bot.say(chat, alice, "/stats")
        assert "Answered: 1" in stats.text
        assert "Correct: 0" in stats.text


async def test_unknown_topic_lists_topics_and_prefix_works(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        reply = await bot.say(chat, alice, "/quiz astrology")
        assert "no topic called “astrology”" in reply.text
        assert "/quiz customers" in reply.text
        assert not reply.buttons

        ambiguous = await bot.say(chat, alice, "/quiz service")
        assert "matches several topics" in ambiguous.text
        assert "/quiz service-desk" in ambiguous.text

        question = await bot.say(chat, alice, "/quiz CUST")
        assert "Customers, users and sponsors" in question.text
        assert question.buttons


async def test_no_repeat_until_topic_exhausted(sandbox: SandboxServer, bot_runner, small_bank_dir):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner(bank_dir=small_bank_dir) as bot:
        seen = []
        for _ in range(3):
            question = await bot.say(chat, alice, "/quiz alpha")
            seen.append(next(q.id for q in bot.bank if q.text in question.text))
        assert sorted(seen) == ["alpha-1", "alpha-2", "alpha-3"]


async def test_help_topics_and_unknown_command(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        help_reply = await bot.say(chat, alice, "/help")
        assert "/quiz" in help_reply.text and "/stats" in help_reply.text
        topics = await bot.say(chat, alice, "/topics")
        for topic in bot.bank.topics:
            assert f"/quiz {topic.slug}" in topics.text
        unknown = await bot.say(chat, alice, "/frobnicate")
        assert "don't know that command" in unknown.text
        chatter = await bot.say(chat, alice, "hello there")
        assert "/quiz" in chatter.text


async def test_double_tap_on_next_asks_one_question(sandbox: SandboxServer, bot_runner):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        question = await bot.say(chat, alice, "/quiz customers")
        verdict = await bot.answer(chat, question, alice)
        data = verdict.button_data("Next")
        await bot.tap(chat, verdict, alice, data=data)
        await bot.tap(chat, verdict, alice, data=data)
        follow_up = await sandbox.next_bot_message(chat, after=verdict.message_id)
        assert follow_up.buttons
        stats = await bot.say(chat, alice, "/stats")  # handled after both taps (same chat)
        between = [m for m in sandbox.bot_messages(chat)
                   if verdict.message_id < m.message_id < stats.message_id]
        assert between == [follow_up]
