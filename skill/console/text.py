"""Turn typed text into the lowercase word tokens Alexa's speech recogniser would hear.

Samples in the interaction model go through the same function, so a typed "It\u2019s 7/10!"
(curly apostrophe) and a sample "it's {score} out of ten" meet on equal terms. Digits stay
digits; the matchers accept "7" wherever they accept "seven".
"""

from __future__ import annotations

import re
import unicodedata

# Speech never carries more than this; longer input is cut (a 10k-character paste
# must not make the matcher slow).
MAX_WORDS = 80

# Typists drop apostrophes; the model spells contractions with them.
CONTRACTIONS = {
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "couldnt": "couldn't",
    "shes": "she's",
    "hes": "he's",
    "whats": "what's",
    "thats": "that's",
    "hows": "how's",
    "lets": "let's",
    "its": "it's",
    "theres": "there's",
    # Possessives typed without the apostrophe ("my dads calf").
    "mums": "mum's",
    "moms": "mom's",
    "dads": "dad's",
    "wifes": "wife's",
    "husbands": "husband's",
    "nans": "nan's",
    "grans": "gran's",
    "grandmas": "grandma's",
    "grandpas": "grandpa's",
}

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_OUT_OF = re.compile(r"(\d+)\s*/\s*10\b")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_NOT_WORD = re.compile(r"[^a-z0-9']+")


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces; apostrophes kept inside words only."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).lower()
    text = _OUT_OF.sub(r"\1 out of ten", text)
    text = text.replace("&", " and ")
    text = _DIGIT_LETTER.sub(" ", text)  # "8am" -> "8 am", "3days" -> "3 days"
    words = []
    for raw in _NOT_WORD.sub(" ", text).split():
        word = raw.strip("'")
        if len(word) >= 3 and word.isdigit():
            # Alexa hears "911" and "123456" digit by digit: "nine one one".
            words += [DIGIT_WORDS[int(d)] for d in word]
        elif word:
            words.append(CONTRACTIONS.get(word, word))
    return " ".join(words[:MAX_WORDS])


def tokens(text: str) -> list[str]:
    return normalise(text).split()
