"""The sandbox speaks Telegram's wire format: form or JSON in, ok/result or errors out."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.sandbox import SANDBOX_TOKEN, Fault, SandboxServer


@pytest.fixture
async def api(sandbox: SandboxServer):
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/bot{SANDBOX_TOKEN}") as client:
        yield client


async def test_get_me_and_unknown_method_and_bad_token(sandbox: SandboxServer, api):
    me = (await api.post("/getMe")).json()
    assert me["ok"] and me["result"]["is_bot"] and me["result"]["username"]
    missing = await api.post("/noSuchMethod")
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error_code": 404,
                              "description": "Not Found: method not found"}
    async with httpx.AsyncClient() as client:
        bad = await client.post(f"{sandbox.url}/botnot-a-token/getMe")
    assert bad.status_code == 401 and bad.json()["description"] == "Unauthorized"


async def test_send_message_form_encoded_with_html_and_keyboard(sandbox: SandboxServer, api):
    alice = sandbox.user(5, "Alice")
    chat = sandbox.private_chat(alice)
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a:1:A"}]]}
    reply = await api.post("/sendMessage", data={
        "chat_id": str(chat.id), "text": "<b>Hi</b> &amp; bye", "parse_mode": "HTML",
        "reply_markup": json.dumps(markup),
    })
    body = reply.json()
    assert reply.status_code == 200 and body["ok"]
    result = body["result"]
    assert result["text"] == "Hi & bye"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert result["reply_markup"] == markup
    assert result["chat"] == {"id": 5, "type": "private", "first_name": "Alice"}


@pytest.mark.parametrize(
    ("payload", "description"),
    [
        ({"chat_id": "999", "text": "x"}, "Bad Request: chat not found"),
        ({"chat_id": "5", "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": "5", "text": "x" * 4097}, "Bad Request: message is too long"),
        ({"chat_id": "5", "text": "<b>open", "parse_mode": "HTML"},
         "Bad Request: can't parse entities"),
        ({"chat_id": "5", "text": "<blink>x</blink>", "parse_mode": "HTML"},
         "Bad Request: can't parse entities"),
        ({"chat_id": "5", "text": "x", "reply_markup": json.dumps(
            {"inline_keyboard": [[{"text": "A", "callback_data": "d" * 65}]]})},
         "Bad Request: BUTTON_DATA_INVALID"),
    ],
)
async def test_bad_requests_are_400_with_description(sandbox, api, payload, description):
    sandbox.private_chat(sandbox.user(5, "Alice"))
    reply = await api.post("/sendMessage", data=payload)
    assert reply.status_code == 400
    body = reply.json()
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith(description)


async def test_edit_not_modified_and_callback_answers(sandbox: SandboxServer, api):
    alice = sandbox.user(5, "Alice")
    chat = sandbox.private_chat(alice)
    sent = (await api.post("/sendMessage", json={"chat_id": 5, "text": "same"})).json()["result"]
    same = await api.post("/editMessageText",
                          json={"chat_id": 5, "message_id": sent["message_id"], "text": "same"})
    assert same.status_code == 400 and "message is not modified" in same.json()["description"]
    edited = await api.post("/editMessageText",
                            json={"chat_id": 5, "message_id": sent["message_id"], "text": "new"})
    assert edited.json()["result"]["edit_date"]

    query_id = await sandbox.tap(chat, sent["message_id"], alice, data="anything")
    long_toast = await api.post("/answerCallbackQuery",
                                data={"callback_query_id": query_id, "text": "x" * 201})
    assert long_toast.status_code == 400
    ok = await api.post("/answerCallbackQuery", data={"callback_query_id": query_id, "text": "hi"})
    assert ok.json() == {"ok": True, "result": True}
    twice = await api.post("/answerCallbackQuery", data={"callback_query_id": query_id})
    assert twice.status_code == 400 and "query ID is invalid" in twice.json()["description"]


async def test_get_updates_long_polls_and_confirms_by_offset(sandbox: SandboxServer, api):
    alice = sandbox.user(5, "Alice")
    chat = sandbox.private_chat(alice)
    empty = await api.post("/getUpdates", data={"timeout": "0"})
    assert empty.json() == {"ok": True, "result": []}
    await sandbox.send(chat, alice, "/quiz customers")
    updates = (await api.post("/getUpdates", data={"timeout": "5"})).json()["result"]
    assert len(updates) == 1
    message = updates[0]["message"]
    assert message["text"] == "/quiz customers"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
    again = (await api.post("/getUpdates", data={"timeout": "0"})).json()["result"]
    assert again == updates  # not confirmed yet
    offset = updates[0]["update_id"] + 1
    confirmed = await api.post("/getUpdates", data={"offset": str(offset), "timeout": "0"})
    assert confirmed.json()["result"] == []


async def test_faults_and_blocked_chats_answer_real_error_shapes(sandbox: SandboxServer, api):
    alice = sandbox.user(5, "Alice")
    chat = sandbox.private_chat(alice)
    sandbox.add_fault(Fault("sendMessage", 429, "Too Many Requests: retry after 3",
                            retry_after=3))
    limited = await api.post("/sendMessage", data={"chat_id": "5", "text": "x"})
    assert limited.status_code == 429
    assert limited.json()["parameters"] == {"retry_after": 3}
    assert (await api.post("/sendMessage", data={"chat_id": "5", "text": "x"})).status_code == 200
    chat.blocked = (403, "Forbidden: bot was blocked by the user")
    blocked = await api.post("/sendMessage", data={"chat_id": "5", "text": "x"})
    assert blocked.status_code == 403
    assert blocked.json()["description"] == "Forbidden: bot was blocked by the user"


async def test_get_chat_member_reports_statuses(sandbox: SandboxServer, api):
    alice, bob = sandbox.user(5, "Alice"), sandbox.user(6, "Bob")
    sandbox.group(-100, "Study", {alice: "administrator", bob: "member"})
    admin = (await api.post("/getChatMember", data={"chat_id": "-100", "user_id": "5"})).json()
    member = (await api.post("/getChatMember", data={"chat_id": "-100", "user_id": "6"})).json()
    assert admin["result"]["status"] == "administrator"
    assert member["result"]["status"] == "member"
