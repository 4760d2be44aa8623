"""What Alexa's built-in intents already understand before a skill adds samples.

The model lists built-ins with few or no samples because Alexa supplies these phrases
itself; the console has to supply them instead. Only intents the model declares can fire.
"""

from __future__ import annotations

BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": (
        "yes",
        "yeah",
        "yep",
        "yup",
        "yes please",
        "sure",
        "ok",
        "okay",
        "please do",
        "go ahead",
        "of course",
        "absolutely",
        "alright",
        "all right",
        "i guess so",
    ),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you", "nah", "no way", "not now"),
    "AMAZON.HelpIntent": (
        "help",
        "help me",
        "what can i say",
        "what can i do",
        "what can you do",
        "i need help",
        "how does this work",
        "what do i say",
        "options",
    ),
    "AMAZON.StopIntent": (
        "stop",
        "quit",
        "exit",
        "shut up",
        "goodbye",
        "bye",
        "that's all",
        "i'm done",
        "enough",
        "be quiet",
        "off",
    ),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
    "AMAZON.NextIntent": ("next", "go on", "skip", "next one", "next step", "skip it"),
    "AMAZON.PreviousIntent": ("previous", "go back", "back", "last one", "previous step"),
    "AMAZON.RepeatIntent": (
        "repeat",
        "say that again",
        "pardon",
        "what",
        "repeat that",
        "come again",
        "sorry what",
        "again",
        "what did you say",
        "say again",
        "pardon me",
        "one more time",
        "i didn't catch that",
        "didn't catch that",
        "i didn't hear that",
        "what was that",
    ),
    "AMAZON.StartOverIntent": (
        "start over",
        "restart",
        "begin again",
        "start again",
        "from the top",
    ),
    # "wait", "hang on", "one moment" are the model's WaitIntent (keep the session open).
    "AMAZON.PauseIntent": ("pause", "pause that", "pause it"),
    "AMAZON.ResumeIntent": ("resume", "continue", "carry on", "keep going"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "main menu", "go to home"),
}

# Said before or after a request without changing it ("um, help please").
LEADING_FILLERS = (
    "alexa", "um", "uh", "er", "erm", "hmm", "well", "oh", "so", "ok so", "okay so", "please",
)  # fmt: skip
TRAILING_FILLERS = ("please", "thanks", "thank you", "alexa", "then", "nothing else", "that's it")
# Hesitations that carry nothing wherever they fall ("my calf, um, hurts").
PURE_FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "hmm", "hmmm", "ah", "uhm"})
