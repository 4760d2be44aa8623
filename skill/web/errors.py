"""The one exception the verifier raises: the app turns it into a 400 and a warning."""


class VerificationError(Exception):
    """The request did not prove it came from Alexa. The message is a fixed reason for
    the log; it never echoes attacker-controlled text such as the URL."""
