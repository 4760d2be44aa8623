"""`python -m skill <command>`: chat (the console simulator), serve (the web endpoint),
fake-alexa (a local fake of Alexa's APIs for the console) or alerts (send the outbox)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable

USAGE = """usage: python -m skill [chat|serve|fake-alexa|alerts] [options]

commands:
  chat        talk to the skill in a terminal, or drive it with --jsonl (the default)
  serve       run the self-hosted web endpoint (Alexa request verification on)
  fake-alexa  run a local fake of Alexa's APIs (alerts, reminders) for the console
  alerts      `alerts send`: deliver the caregiver alerts still in the outbox, once

`python -m skill <command> --help` shows one command's options; all of them follow.
"""


def _chat(args: list[str]) -> int:
    from skill import keys
    from skill.console.cli import main as chat_main

    keys.allow_development_secret()  # the console is development: no warning for the default

    return chat_main(args)


def _serve(args: list[str]) -> int:
    from skill.web.serve import main as serve_main

    return serve_main(args)


def _fake_alexa(args: list[str]) -> int:
    from skill.console.fake_alexa import main as fake_main

    return fake_main(args)


def _alerts(args: list[str]) -> int:
    from skill.alexa.alert_sender import main as alerts_main

    return alerts_main(args)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "chat": _chat,
    "serve": _serve,
    "fake-alexa": _fake_alexa,
    "alerts": _alerts,
}


def _help_of(command: str) -> str:
    """A command's own --help text (each command owns its options)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        COMMANDS[command](["--help"])
    return out.getvalue()


NOT_INSTALLED = """python -m skill: this Python ({python}) does not have the skill's packages
(no module named {module!r}). Run it from the project's virtual environment:

    .venv/bin/python -m skill chat      (or .venv/bin/skill chat)
    make chat                           (builds .venv first if it is missing)
"""


def _installed() -> bool:
    """The skill's dependencies are importable (a system Python has none of them)."""
    try:
        import ask_sdk_core  # noqa: F401
    except ImportError as exc:
        print(NOT_INSTALLED.format(python=sys.executable, module=exc.name), file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    if not _installed():
        return 2
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"], ["help"]):
        print(USAGE)
        for command in COMMANDS:
            print(f"--- {command} ---\n{_help_of(command)}")
        return 0
    command = args.pop(0) if args and not args[0].startswith("-") else "chat"
    if command not in COMMANDS:
        print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    return COMMANDS[command](args)


if __name__ == "__main__":
    sys.exit(main())
