"""End to end: daily pushes at a chat's local time, once, across restarts and failures."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.sandbox import Fault, SandboxServer
from bot.store import Store
from tests.conftest import FakeClock, eventually

# The fake clock starts at Mon 2 Mar 2026 09:00 UTC (10:00 in Berlin).
DUE = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # Tue 08:30 in Berlin


def pushes(sandbox: SandboxServer, chat) -> list:
    return [m for m in sandbox.bot_messages(chat) if "Question of the day" in m.text]


async def test_set_show_and_push_once_at_local_time(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        done = await bot.say(chat, alice, "/daily 08:30 Europe/Berlin")
        assert "08:30 Europe/Berlin" in done.text and "Tue 03 Mar 08:30" in done.text
        shown = await bot.say(chat, alice, "/daily")
        assert "Next: Tue 03 Mar 08:30" in shown.text

        clock.now = DUE.replace(minute=29, second=59)
        assert await bot.push_now() == 0
        assert pushes(sandbox, chat) == []

        clock.now = DUE
        await sandbox.wait_for(lambda: pushes(sandbox, chat))
        assert await bot.push_now() == 0
        clock.advance(hours=1)
        assert await bot.push_now() == 0
        push = pushes(sandbox, chat)
        assert len(push) == 1 and push[0].buttons
        # A pushed question is answered like any other.
        verdict = await bot.answer(chat, push[0], alice)
        assert "streak 1" in verdict.text
        shown = await bot.say(chat, alice, "/daily")
        assert "Next: Wed 04 Mar 08:30" in shown.text

        off = await bot.say(chat, alice, "/daily off")
        assert "stopped" in off.text
        clock.now = DUE.replace(day=4)
        assert await bot.push_now() == 0


async def test_no_duplicate_after_restart_and_catch_up_within_grace(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice, bob = sandbox.user(11, "Alice"), sandbox.user(12, "Bob")
    late, stale = sandbox.private_chat(alice), sandbox.private_chat(bob)
    async with bot_runner() as bot:
        await bot.say(late, alice, "/daily 08:30 Europe/Berlin")
        await bot.say(stale, bob, "/daily 05:00 Europe/Berlin")  # Tue 04:00 UTC
        clock.now = DUE
        await sandbox.wait_for(lambda: pushes(sandbox, late))

    async with bot_runner() as bot:  # a restart on the same database
        assert await bot.push_now() == 0
    assert len(pushes(sandbox, late)) == 1
    assert pushes(sandbox, stale) == []  # 03:30 late at 07:30: outside the 3 h grace

    # Down over Wednesday's push time; back 2 hours late: still sent, once.
    clock.now = DUE.replace(day=4, hour=9, minute=30)
    async with bot_runner() as bot:
        await sandbox.wait_for(lambda: len(pushes(sandbox, late)) == 2)
        assert await bot.push_now() == 0
        shown = await bot.say(stale, bob, "/daily")
        assert "Next: Thu 05 Mar 05:00" in shown.text
    assert len(pushes(sandbox, late)) == 2


async def test_blocked_chat_is_paused_alone_and_resumes(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice, bob = sandbox.user(11, "Alice"), sandbox.user(12, "Bob")
    blocked, fine = sandbox.private_chat(alice), sandbox.private_chat(bob)
    async with bot_runner() as bot:
        await bot.say(blocked, alice, "/daily 08:30 Europe/Berlin")
        await bot.say(fine, bob, "/daily 08:30 Europe/Berlin")
        blocked.blocked = (403, "Forbidden: bot was blocked by the user")
        clock.now = DUE
        await sandbox.wait_for(lambda: pushes(sandbox, fine))
        assert await bot.push_now() == 0
        assert pushes(sandbox, blocked) == []
        store = await Store.open(bot.settings.database_path)
        try:
            state = await store.chat_state(alice.id)
            assert state.paused_reason == "Forbidden: bot was blocked by the user"
            assert (await store.chat_state(bob.id)).paused_reason is None
        finally:
            await store.close()

        blocked.blocked = None  # unblocked: the next message resumes the schedule
        shown = await bot.say(blocked, alice, "/daily")
        assert "Paused" not in shown.text and "Next: Wed 04 Mar 08:30" in shown.text
        clock.now = DUE.replace(day=4)
        await sandbox.wait_for(lambda: pushes(sandbox, blocked))


async def test_rate_limit_retry_after_is_honoured(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        await bot.say(chat, alice, "/daily 08:30 Europe/Berlin")
        sandbox.add_fault(Fault("sendMessage", 429, "Too Many Requests: retry after 1",
                                chat_id=alice.id, retry_after=1))
        clock.now = DUE
        await sandbox.wait_for(lambda: pushes(sandbox, chat), timeout=15)
    sends = [t for (name, params), t in zip(sandbox.requests, sandbox.request_times, strict=True)
             if name == "sendMessage" and params.get("chat_id") == str(alice.id)]
    assert len(sends) == 3  # the /daily reply, the refused push, the retried push
    assert sends[2] - sends[1] >= 1.0
    assert len(pushes(sandbox, chat)) == 1


async def test_failed_send_is_retried_once_not_duplicated(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice = sandbox.user(11, "Alice")
    chat = sandbox.private_chat(alice)
    async with bot_runner() as bot:
        await bot.say(chat, alice, "/daily 08:30 Europe/Berlin")
        sandbox.add_fault(Fault("sendMessage", 500, "Internal Server Error", chat_id=alice.id))
        clock.now = DUE
        await sandbox.wait_for(lambda: pushes(sandbox, chat))
        assert await bot.push_now() == 0
    assert len(pushes(sandbox, chat)) == 1


async def test_group_daily_push_runs_with_the_group_window(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice, bob = sandbox.user(11, "Alice"), sandbox.user(12, "Bob")
    group = sandbox.group(-100, "Study group", {alice: "creator", bob: "member"})
    async with bot_runner() as bot:
        await bot.say(group, alice, "/daily 08:30 Europe/Berlin")
        clock.now = DUE
        push = (await sandbox.wait_for(lambda: pushes(sandbox, group)))[0]
        assert "revealed in 60 s" in push.text
        await bot.tap(group, push, bob, letter=bot.correct_letter(push))
        clock.advance(seconds=61)
        reveal = await sandbox.next_bot_message(group, after=push.message_id)
        assert "Right (1): Bob (streak 1)" in reveal.text


async def test_removed_bot_pauses_and_re_added_bot_resumes(
    sandbox: SandboxServer, bot_runner, clock: FakeClock
):
    alice, bob = sandbox.user(11, "Alice"), sandbox.user(12, "Bob")
    group = sandbox.group(-100, "Study group", {alice: "creator", bob: "member"})

    def membership(status: str) -> dict:
        return {"my_chat_member": {
            "chat": group.to_api(), "from": alice.to_api(), "date": 0,
            "old_chat_member": {"status": "member", "user": sandbox.bot.to_api()},
            "new_chat_member": {"status": status, "user": sandbox.bot.to_api()},
        }}

    async with bot_runner() as bot:
        await bot.say(group, alice, "/daily 08:30 Europe/Berlin")
        store = await Store.open(bot.settings.database_path)
        try:
            await sandbox.push_raw_update(membership("left"))
            state = await eventually(lambda: store.chat_state(group.id),
                                     lambda state: state.paused_reason)
            assert state.paused_reason == "the bot was removed from the chat"
            clock.now = DUE
            assert await bot.push_now() == 0
            assert pushes(sandbox, group) == []

            await sandbox.push_raw_update(membership("member"))
            await sandbox.wait_for(lambda: pushes(sandbox, group))
            assert (await store.chat_state(group.id)).paused_reason is None
        finally:
            await store.close()
