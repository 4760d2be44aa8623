"""`python -m skill <command>`: chat (the console simulator) or serve (the web endpoint)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else "chat"
    if command == "chat":
        from skill.console.cli import main as chat_main

        return chat_main(args)
    if command == "serve":
        from skill.web.serve import main as serve_main

        return serve_main(args)
    print(f"unknown command {command!r}; try: chat, serve", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
