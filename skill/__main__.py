"""`python -m skill <command>`: chat (the console simulator) or serve (the web endpoint)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable

USAGE = """usage: python -m skill [chat|serve] [options]

commands:
  chat    talk to the skill in a terminal, or drive it with --jsonl (the default)
  serve   run the self-hosted web endpoint (Alexa request verification on)

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


COMMANDS: dict[str, Callable[[list[str]], int]] = {"chat": _chat, "serve": _serve}


def _help_of(command: str) -> str:
    """A command's own --help text (each command owns its options)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        COMMANDS[command](["--help"])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
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
