"""End to end in a study group: one answer each, private toasts, reveal when the window ends."""

from __future__ import annotations

import pytest

from bot.sandbox import SandboxServer
from tests.conftest import FakeClock


@pytest.fixture
def people(sandbox: SandboxServer):
    alice = sandbox.user(11, "Alice")
    bob = sandbox.user(12, "Bob")
    carol = sandbox.user(13, "Carol")
    group = sandbox.group(-100, "Study group",
                          {alice: "creator", bob: "member", carol: "member"})
    return group, alice, bob, carol


async def test_group_round_one_answer_each_and_reveal(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, people
):
    group, alice, bob, carol = people
    async with bot_runner() as bot:
        question = await bot.say(group, alice, "/quiz customers")
        assert "revealed in 60 s" in question.text
        right, wrong = bot.correct_letter(question), bot.wrong_letter(question)
        right_data = question.button_data(right)

        toast = await bot.tap(group, question, bob, letter=wrong)
        assert toast["text"].startswith("❌")
        again = await bot.tap(group, question, bob, letter=right)
        assert "already answered" in again["text"]
        toast = await bot.tap(group, question, alice, letter=right)
        assert toast["text"].startswith("✅")
        assert all(len(a["text"]) <= 200 for a in sandbox.callback_answers.values())
        assert sandbox.bot_messages(group)[-1].message_id == question.message_id  # no reveal yet
        assert question.buttons

        clock.advance(seconds=61)
        reveal = await sandbox.next_bot_message(group, after=question.message_id)
        asked = next(q for q in bot.bank if q.text in question.text)
        assert asked.explanation in reveal.text
        assert "Right (1): Alice (streak 1)" in reveal.text
        assert f"Not right (1): Bob (chose {wrong})" in reveal.text
        assert not question.buttons and f"✅ {right}." in question.text

        late = await bot.tap(group, question, carol, data=right_data)
        assert "closed" in late["text"]

        board = await bot.say(group, bob, "/leaderboard")
        lines = board.text.splitlines()
        assert "Alice" in lines[1] and "1/1" in lines[1]
        assert "Bob" in lines[2] and "0/1" in lines[2]
        assert "day streak 1" in board.text


async def test_window_closes_after_a_restart(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, people
):
    group, alice, bob, _ = people
    async with bot_runner() as bot:
        question = await bot.say(group, alice, "/quiz")
        await bot.tap(group, question, bob, letter=bot.correct_letter(question))
    clock.advance(minutes=5)  # the window ends while the bot is down
    async with bot_runner():
        reveal = await sandbox.next_bot_message(group, after=question.message_id)
        assert "Right (1): Bob" in reveal.text
        assert not question.buttons


async def test_settings_are_for_admins_only(sandbox: SandboxServer, bot_runner, people):
    group, alice, bob, _ = people
    async with bot_runner() as bot:
        refused = await bot.say(group, bob, "/daily 08:30 Europe/Berlin")
        assert "only this group's admins" in refused.text
        refused = await bot.say(group, bob, "/window 30")
        assert "only this group's admins" in refused.text
        shown = await bot.say(group, bob, "/daily")
        assert "No daily question" in shown.text

        done = await bot.say(group, alice, "/window 30")
        assert "30 seconds" in done.text
        question = await bot.say(group, alice, "/quiz")
        assert "revealed in 30 s" in question.text
        done = await bot.say(group, alice, "/daily 08:30 Europe/Berlin")
        assert "08:30 Europe/Berlin" in done.text
    assert len(sandbox.calls("getChatMember")) == 2  # once per member, then cached


async def test_group_upgraded_to_supergroup_keeps_its_data(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, people
):
    group, alice, bob, _ = people
    async with bot_runner() as bot:
        question = await bot.say(group, alice, "/quiz")
        await bot.tap(group, question, alice, letter=bot.correct_letter(question))
        clock.advance(seconds=61)
        await sandbox.next_bot_message(group, after=question.message_id)

        supergroup = sandbox.group(-1000100, "Study group", {alice: "creator", bob: "member"},
                                   chat_type="supergroup")
        await sandbox.push_raw_update({"message": {
            "message_id": 999, "date": 0, "chat": group.to_api(), "from": alice.to_api(),
            "migrate_to_chat_id": supergroup.id}})
        group.migrated_to = supergroup.id
        board = await bot.say(supergroup, alice, "/leaderboard")
        assert "Alice — 1/1 right" in board.text


async def test_one_open_question_at_a_time_in_a_group(
    sandbox: SandboxServer, bot_runner, clock: FakeClock, people
):
    group, alice, bob, _ = people
    async with bot_runner() as bot:
        question = await bot.say(group, alice, "/quiz")
        clock.advance(seconds=20)
        busy = await bot.say(group, bob, "/quiz")
        assert "still open" in busy.text and "40 s" in busy.text
        clock.advance(seconds=41)
        await sandbox.next_bot_message(group, after=busy.message_id)  # the reveal
        reveal = sandbox.bot_messages(group)[-1]
        assert "Answers are closed" in reveal.text
        fresh = await bot.say(group, bob, "/quiz")
        assert fresh.buttons and fresh.message_id != question.message_id
