"""A Bot API server on loopback speaking Telegram's HTTP wire format, plus a side door.

The bot talks to it exactly as to api.telegram.org (form-encoded or JSON requests,
`{"ok": true, "result": ...}` replies, errors with `error_code`, `description` and
`parameters`). Tests and the terminal chat use the Python side door to act as people:
send messages, tap buttons, and watch what the bot did.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.sandbox.html_text import EntityParseError, parse_html, utf16_len
from bot.sandbox.world import Chat, Fault, Message, User

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
SANDBOX_TOKEN = "123456789:sandbox-token-not-a-secret-0000"
MAX_TEXT = 4096
MAX_CALLBACK_TEXT = 200
MAX_CALLBACK_DATA = 64

Clock = Callable[[], datetime]
Listener = Callable[[str, Any], None]


class ApiError(Exception):
    """An error reply: HTTP status = error_code, as the real Bot API does."""

    def __init__(self, error_code: int, description: str, **parameters: int) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = {key: value for key, value in parameters.items() if value is not None}


def _bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class TokenBucket:
    """Telegram-like flood control: `rate` sends per `period` seconds, bursts up to `rate`."""

    def __init__(self, rate: float, period: float = 1.0) -> None:
        self.capacity = rate
        self.refill = rate / period
        self.tokens = rate
        self.stamp = time.monotonic()

    def take(self) -> float:
        """Take a token; 0.0 if allowed, else the seconds until one is free."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.refill)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.refill


class SandboxServer:
    """Telegram's side of the wire for one bot, served on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str | None = None,
        clock: Clock | None = None,
        bot_username: str = "quiz_tutor_bot",
        flood_limit: tuple[float, float] | None = None,
    ) -> None:
        """`flood_limit` = (messages per second overall, messages per minute per group):
        sends beyond it get 429 with retry_after, as Telegram does."""
        self.token = token
        self.flood_limit = flood_limit
        self._overall = TokenBucket(flood_limit[0]) if flood_limit else None
        self._per_group: dict[int, TokenBucket] = {}
        self.flood_refusals = 0
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.bot = User(int((token or SANDBOX_TOKEN).split(":")[0]), "Quiz Tutor",
                        username=bot_username, is_bot=True)
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[Message]] = {}
        self.commands: list[dict] = []
        self.callback_answers: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        self.request_times: list[float] = []
        self.faults: list[Fault] = []
        self.holds: dict[tuple[str, int], asyncio.Event] = {}
        self.held: list[tuple[str, int]] = []
        self.listeners: list[Listener] = []
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._pending_queries: set[str] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0 = any free port); return the API root URL."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        # handler_cancellation: a request whose caller went away is not carried out.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5,
                                     handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.url = f"http://{bound[0]}:{bound[1]}"
        return self.url

    async def stop(self) -> None:
        """Stop serving; long polls in flight are answered empty."""
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- the side door: acting as people ---------------------------------------------------

    def user(self, user_id: int, first_name: str, last_name: str | None = None,
             username: str | None = None) -> User:
        """A person who can write to the bot."""
        user = User(user_id, first_name, last_name, username)
        self.users[user_id] = user
        return user

    def private_chat(self, user: User) -> Chat:
        """The one-to-one chat between `user` and the bot (its id is the user's id)."""
        chat = self.chats.get(user.id) or Chat(user.id, "private", peer=user)
        self.chats[chat.id] = chat
        return chat

    def group(self, chat_id: int, title: str, members: dict[User, str] | None = None,
              chat_type: str = "group") -> Chat:
        """A group the bot is in; members map to a status (member, administrator, creator)."""
        chat = Chat(chat_id, chat_type, title=title)
        for member, status in (members or {}).items():
            chat.members[member.id] = status
        self.chats[chat_id] = chat
        return chat

    async def send(self, chat: Chat, sender: User, text: str) -> Message:
        """`sender` writes `text` in `chat`; a leading /command gets its entity."""
        message = self._store_message(chat, sender, text, self._command_entities(text))
        await self._push_update({"message": message.to_api()})
        return message

    async def tap(self, chat: Chat, message_id: int, sender: User, *, data: str | None = None,
                  button: str | None = None) -> str:
        """`sender` taps a button of a message (by label or with raw, maybe forged, data).

        Returns the callback query id, whose answer `callback_answer` reports.
        """
        message = self._find(chat.id, message_id)
        if data is None:
            if button is None:
                raise ValueError("tap needs data= or button=")
            data = message.button_data(button)
            if data is None:
                labels = [b.get("text") for b in message.buttons]
                raise LookupError(f"no button {button!r} on message {message_id}: {labels}")
        query_id = str(next(self._query_ids))
        self._pending_queries.add(query_id)
        await self._push_update({
            "callback_query": {
                "id": query_id,
                "from": sender.to_api(),
                "message": message.to_api(),
                "chat_instance": str(chat.id),
                "data": data,
            }
        })
        return query_id

    async def push_raw_update(self, update: dict) -> None:
        """Queue any update (e.g. my_chat_member) for the bot's next getUpdates."""
        await self._push_update(update)

    def add_fault(self, fault: Fault, times: int = 1) -> None:
        """Answer the next `times` matching calls with the fault's error."""
        self.faults.extend([fault] * times)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on every change); return its value."""
        async def watch() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value
        return await asyncio.wait_for(watch(), timeout)

    def bot_messages(self, chat: Chat) -> list[Message]:
        """The bot's messages in a chat, oldest first."""
        return [m for m in self.messages.get(chat.id, []) if m.sender.id == self.bot.id]

    async def next_bot_message(self, chat: Chat, after: int = 0, timeout: float = 10.0) -> Message:
        """Wait for the first bot message in `chat` with a message_id above `after`."""
        return await self.wait_for(
            lambda: next((m for m in self.bot_messages(chat) if m.message_id > after), None),
            timeout,
        )

    def callback_answer(self, query_id: str) -> dict | None:
        """What the bot answered to a callback query, or None while unanswered."""
        return self.callback_answers.get(query_id)

    def calls(self, method: str) -> list[dict]:
        """Parameters of every call of `method` the bot made, in order."""
        return [params for name, params in self.requests if name == method]

    # -- internals -------------------------------------------------------------------------

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _command_entities(self, text: str) -> list[dict]:
        match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if not match:
            return []
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]

    def _store_message(self, chat: Chat, sender: User, text: str, entities: list[dict],
                       reply_markup: dict | None = None, html: str | None = None) -> Message:
        if chat.id not in self.chats:
            self.chats[chat.id] = chat
        thread = self.messages.setdefault(chat.id, [])
        message_id = (thread[-1].message_id + 1) if thread else 1
        message = Message(chat, message_id, sender, self._now(), text, entities, reply_markup,
                          html=html)
        thread.append(message)
        return message

    async def _push_update(self, payload: dict) -> None:
        async with self._changed:
            self._updates.append({"update_id": next(self._update_ids), **payload})
            self._changed.notify_all()

    async def _notify(self, event: str, subject: Any) -> None:
        for listener in list(self.listeners):
            listener(event, subject)
        async with self._changed:
            self._changed.notify_all()

    def _find(self, chat_id: int, message_id: int) -> Message:
        for message in self.messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        raise LookupError(f"no message {message_id} in chat {chat_id}")

    # -- HTTP ------------------------------------------------------------------------------

    async def _file(self, request: web.Request) -> web.Response:
        return self._reply(ApiError(404, "Not Found"))

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if not TOKEN_PATTERN.match(token) or (self.token is not None and token != self.token):
            return self._reply(ApiError(401, "Unauthorized"))
        try:
            params = await self._params(request)
        except ValueError as exc:
            return self._reply(_bad_request(str(exc)))
        self.requests.append((method, params))
        self.request_times.append(time.monotonic())
        async with self._changed:
            self._changed.notify_all()
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return self._reply(ApiError(404, "Not Found: method not found"))
        await self._wait_if_held(method, params)
        try:
            self._check_faults(method, params)
            result = await handler(params)
        except ApiError as error:
            return self._reply(error)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _reply(error: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.error_code,
            "description": error.description,
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.error_code)

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("request body must be a JSON object")
                params.update(body)
            else:
                form = await request.post()
                params.update({key: value for key, value in form.items()
                               if isinstance(value, str)})
        return params

    def hold(self, method: str, chat_id: int) -> asyncio.Event:
        """Keep calls of `method` for `chat_id` waiting, unanswered, until the event is set.

        A caller that disconnects meanwhile (a killed bot) leaves the call undone.
        """
        event = asyncio.Event()
        self.holds[(method.lower(), chat_id)] = event
        return event

    async def _wait_if_held(self, method: str, params: dict) -> None:
        key = (method.lower(), _int(params.get("chat_id")) or 0)
        event = self.holds.get(key)
        if event is not None and not event.is_set():
            self.held.append(key)
            await self._notify("held", key)
            await event.wait()

    def _check_faults(self, method: str, params: dict) -> None:
        for fault in self.faults:
            if fault.method.lower() != method.lower():
                continue
            if fault.chat_id is not None and _int(params.get("chat_id")) != fault.chat_id:
                continue
            self.faults.remove(fault)
            raise ApiError(fault.error_code, fault.description, retry_after=fault.retry_after,
                           migrate_to_chat_id=fault.migrate_to_chat_id)

    def _chat(self, params: dict) -> Chat:
        chat_id = _int(params.get("chat_id"))
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise _bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           migrate_to_chat_id=chat.migrated_to)
        if chat.blocked is not None:
            raise ApiError(*chat.blocked)
        return chat

    def _text(self, params: dict) -> tuple[str, list[dict], str | None]:
        raw = params.get("text")
        if raw is None or not str(raw).strip():
            raise _bad_request("message text is empty")
        raw = str(raw)
        parse_mode = params.get("parse_mode")
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                text, entities = parse_html(raw)
            except EntityParseError as exc:
                raise _bad_request(f"can't parse entities: {exc}") from exc
            html = raw
        else:
            text, entities, html = raw, [], None
        if not text.strip():
            raise _bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise _bad_request("message is too long")
        return text, entities, html

    @staticmethod
    def _markup(params: dict) -> dict | None:
        raw = params.get("reply_markup")
        if raw in (None, ""):
            return None
        markup = json.loads(raw) if isinstance(raw, str) else raw
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise _bad_request("BUTTON_DATA_INVALID")
        return markup

    # -- Bot API methods -------------------------------------------------------------------

    async def _api_getme(self, params: dict) -> dict:
        return {**self.bot.to_api(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False}

    async def _api_logout(self, params: dict) -> bool:
        return True

    async def _api_close(self, params: dict) -> bool:
        return True

    async def _api_deletewebhook(self, params: dict) -> bool:
        if _bool(params.get("drop_pending_updates")):
            async with self._changed:
                self._updates.clear()
        return True

    async def _api_getwebhookinfo(self, params: dict) -> dict:
        return {"url": "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _api_getupdates(self, params: dict) -> list[dict]:
        offset = _int(params.get("offset"))
        limit = _int(params.get("limit")) or 100
        timeout = float(params.get("timeout") or 0)
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while True:
                if offset is not None:
                    # Asking from an offset confirms every update before it, as Telegram does.
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._runner is None:
                    return self._updates[:limit]
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    return []

    async def _api_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands")
        commands = json.loads(commands) if isinstance(commands, str) else commands
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise _bad_request("command description is empty or too long")
        self.commands = commands
        return True

    async def _api_getmycommands(self, params: dict) -> list[dict]:
        return self.commands

    async def _api_deletemycommands(self, params: dict) -> bool:
        self.commands = []
        return True

    async def _api_sendchataction(self, params: dict) -> bool:
        self._chat(params)
        return True

    def _flood_check(self, chat: Chat) -> None:
        if self._overall is None:
            return
        waits = [self._overall.take()]
        if chat.type != "private":
            bucket = self._per_group.setdefault(chat.id, TokenBucket(self.flood_limit[1], 60))
            waits.append(bucket.take())
        wait = max(waits)
        if wait > 0:
            self.flood_refusals += 1
            retry_after = max(1, int(wait + 0.999))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                           retry_after=retry_after)

    async def _api_sendmessage(self, params: dict) -> dict:
        chat = self._chat(params)
        self._flood_check(chat)
        text, entities, html = self._text(params)
        markup = self._markup(params)
        message = self._store_message(chat, self.bot, text, entities, markup, html)
        reply = params.get("reply_parameters")
        if reply:
            reply = json.loads(reply) if isinstance(reply, str) else reply
            message.reply_to = reply.get("message_id")
        await self._notify("sent", message)
        return message.to_api()

    def _editable(self, params: dict) -> Message:
        chat = self._chat(params)
        message_id = _int(params.get("message_id"))
        try:
            message = self._find(chat.id, message_id or 0)
        except LookupError as exc:
            raise _bad_request("message to edit not found") from exc
        if message.sender.id != self.bot.id:
            raise _bad_request("message can't be edited")
        return message

    async def _api_editmessagetext(self, params: dict) -> dict:
        message = self._editable(params)
        text, entities, html = self._text(params)
        markup = self._markup(params)
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        message.text, message.entities, message.html = text, entities, html
        message.reply_markup = markup
        message.edit_date = self._now()
        await self._notify("edited", message)
        return message.to_api()

    async def _api_editmessagereplymarkup(self, params: dict) -> dict:
        message = self._editable(params)
        markup = self._markup(params)
        if (markup or None) == (message.reply_markup or None) or (
            not (markup or {}).get("inline_keyboard") and not message.buttons
        ):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are"
                " exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        message.edit_date = self._now()
        await self._notify("edited", message)
        return message.to_api()

    async def _api_deletemessage(self, params: dict) -> bool:
        message = self._editable(params)
        self.messages[message.chat.id].remove(message)
        await self._notify("deleted", message)
        return True

    async def _api_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._pending_queries:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text") or ""
        if len(text) > MAX_CALLBACK_TEXT:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._pending_queries.discard(query_id)
        self.callback_answers[query_id] = {
            "text": text,
            "show_alert": _bool(params.get("show_alert")),
        }
        await self._notify("answered", (query_id, text))
        return True

    async def _api_getchat(self, params: dict) -> dict:
        chat = self._chat(params)
        return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False}}

    async def _api_getchatmember(self, params: dict) -> dict:
        chat = self._chat(params)
        user_id = _int(params.get("user_id"))
        user = self.users.get(user_id or 0)
        if user is None:
            raise _bad_request("user not found")
        status = "member" if chat.type == "private" else chat.members.get(user.id, "left")
        return _member(user, status)

    async def _api_leavechat(self, params: dict) -> bool:
        chat = self._chat(params)
        chat.blocked = (403, "Forbidden: bot is not a member of the group chat")
        return True


def _member(user: User, status: str) -> dict:
    data: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update({
            "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
            "can_delete_messages": True, "can_manage_video_chats": True,
            "can_restrict_members": True, "can_promote_members": False,
            "can_change_info": True, "can_invite_users": True, "can_post_stories": False,
            "can_edit_stories": False, "can_delete_stories": False,
        })
    elif status == "restricted":
        data.update({"is_member": True, "until_date": 0})
    return data


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)
