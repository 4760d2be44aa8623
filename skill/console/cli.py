"""`python -m skill chat`: talk to the skill in a terminal, or drive it with --jsonl."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import uuid
from datetime import UTC, datetime
from typing import TextIO

from skill import clock
from skill.console.conversation import Conversation, Turn
from skill.console.model import locales
from skill.console.nlu import MODES
from skill.console.render import Speaker, reply_lines, ssml_of

QUIT_WORDS = ("quit", "exit")
# A date without a time starts at noon UTC: the same calendar day in every zone from
# UTC-11 to UTC+11, so "today" is the day given wherever the device is.
DEFAULT_HOUR = 12


def start_date(value: str) -> datetime:
    """`--date YYYY-MM-DD[THH:MM]`, in UTC."""
    for layout in ("%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            at = datetime.strptime(value, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
        return at if "T" in value else at.replace(hour=DEFAULT_HOUR)
    raise argparse.ArgumentTypeError(f"{value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM")


def fresh_user() -> str:
    """A user name nobody has used: a first-time user, with no stored history."""
    return f"fresh-{uuid.uuid4().hex[:12]}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m skill chat",
        description="Talk to Leg Pain Guide as if through an Echo. Type 'quit' or Ctrl-D to leave.",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="one utterance per stdin line; one JSON turn per stdout line",
    )
    parser.add_argument(
        "--locale", default="en-US", choices=locales() or ["en-US"], help="the device locale"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", default="me", help="same user across runs = same stored history")
    who.add_argument(
        "--fresh",
        action="store_true",
        help="a first-time user: a new user name nobody has used (fresh-<12 hex digits>), so "
        "no stored history; the interactive console says the name once, to pass to --user "
        "later (in --jsonl mode it is the userId in the envelopes); nothing is deleted",
    )
    parser.add_argument(
        "--voice",
        metavar="NAME",
        default="",
        help="a recognised voice on the account (Alexa's personId): the same name in later "
        "runs is the same voice, with its own check-ins; without it no voice is recognised, "
        "as for a guest or an account without voice profiles",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD[THH:MM]",
        type=start_date,
        help="the time the skill sees, in UTC (a date alone means 12:00); the clock runs on "
        "from there and request timestamps follow it",
    )
    parser.add_argument("--screen", action="store_true", help="a device with a screen (APL)")
    parser.add_argument("--speak", action="store_true", help="read replies aloud with espeak-ng")
    parser.add_argument(
        "--nlu",
        choices=MODES,
        default="generous",
        help="strict: only what the model's samples and slot values say literally (plus "
        "Alexa's built-in intents), else AMAZON.FallbackIntent; generous (default): also "
        "long sentences, denials and typing slips; trained: a classifier and slot tagger "
        "trained on the model, like Alexa's NLU (needs the dev extra: scikit-learn, "
        "python-crfsuite; trained once per model and cached)",
    )
    parser.add_argument(
        "--api-endpoint",
        metavar="URL",
        default="",
        help="the apiEndpoint in every envelope (default: the locale's Alexa region), so a "
        "local fake of Alexa's APIs receives the skill's calls",
    )
    parser.add_argument(
        "--permissions",
        metavar="SCOPE[,SCOPE]",
        default="",
        help="permissions the user has granted (e.g. alexa::alerts:reminders:skill:readwrite);"
        " envelopes then carry a consentToken and the scopes",
    )
    return parser.parse_args(argv)


def _is_quit(line: str) -> bool:
    return line.strip().lower().strip(".!") in QUIT_WORDS


def run_jsonl(chat: Conversation, source: TextIO, out: TextIO, speaker: Speaker) -> int:
    def emit(turn: Turn | None) -> None:
        if turn is not None:
            out.write(json.dumps(turn.as_json()) + "\n")
            out.flush()  # a program on the other end is waiting for this turn
            speaker.say(ssml_of(turn.response))

    emit(chat.start())
    for raw in iter(source.readline, ""):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if _is_quit(line):
            emit(chat.end(line))
            return 0
        emit(chat.say(line))
    emit(chat.end())
    return 0


def run_interactive(chat: Conversation, speaker: Speaker, notice: str = "") -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - importing it gives input() history and line editing

    if notice:
        print(notice)

    def show(turn: Turn | None) -> None:
        if turn is None:
            return
        if turn.error:
            print(f"({turn.error})")
        for line in reply_lines(turn.response):
            print(line)
        speaker.say(ssml_of(turn.response))
        if chat.asking is not None:
            print(f"(Alexa asks: {chat.asking.question()} say yes or no)")
        elif not chat.is_open and turn.request["request"]["type"] != "SessionEndedRequest":
            print("(the skill ended the session; say something to open it again, or 'quit')")

    show(chat.start())
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            show(chat.end())
            return 0
        if _is_quit(line):
            show(chat.end(line))
            return 0
        if line.strip():
            show(chat.say(line))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Odd bytes on stdin must not crash the console; they become replacement characters.
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
    if args.date is not None:
        clock.set_clock(args.date, frozen=False)
    user = fresh_user() if args.fresh else args.user
    chat = Conversation(
        locale=args.locale,
        user=user,
        voice=args.voice.strip(),
        screen=args.screen,
        nlu=args.nlu,
        api_endpoint=args.api_endpoint,
        permissions=[p.strip() for p in args.permissions.split(",") if p.strip()],
    )
    speaker = Speaker(args.speak)
    try:
        if args.jsonl:
            return run_jsonl(chat, sys.stdin, sys.stdout, speaker)
        notice = f"(a first-time user: --user {user})" if args.fresh else ""
        return run_interactive(chat, speaker, notice)
    finally:
        # Caregiver alerts still being sent get a moment (bounded); any left over go at
        # the next start (the sender drains the outbox when the skill is built).
        from skill.alexa import alert_sender

        alert_sender.settle_all()
