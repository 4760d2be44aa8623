"""Show a response in a terminal, and optionally speak it with espeak-ng."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any, TextIO

from skill.speech.ssml import to_text


def reply_lines(envelope: dict[str, Any]) -> list[str]:
    """The spoken text, then the card (title and content indented) when there is one."""
    body = envelope.get("response") or {}
    speech = body.get("outputSpeech") or {}
    lines = [to_text(speech.get("ssml") or speech.get("text") or "")]
    card = body.get("card") or {}
    if card.get("title") or card.get("content") or card.get("text"):
        lines.append(f"    [{card.get('title', '')}]")
        content = card.get("content") or card.get("text") or ""
        lines += [f"    {line}" for line in content.splitlines()]
    return [line for line in lines if line]


def ssml_of(envelope: dict[str, Any]) -> str:
    speech = (envelope.get("response") or {}).get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""


class Speaker:
    """Reads replies aloud with `espeak-ng -m` (SSML mode) when asked and installed."""

    def __init__(self, enabled: bool, notices: TextIO = sys.stderr) -> None:
        self.command = shutil.which("espeak-ng") if enabled else None
        if enabled and not self.command:
            print("(--speak: espeak-ng is not installed; showing text only)", file=notices)

    def say(self, ssml: str) -> None:
        if not self.command or not ssml:
            return
        try:
            # No sound device (a container, CI) is not worth stopping the conversation for.
            subprocess.run(
                [self.command, "-m", "--stdin"],
                input=ssml,
                text=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
                timeout=120,
            )
        except (OSError, subprocess.SubprocessError):
            self.command = None
