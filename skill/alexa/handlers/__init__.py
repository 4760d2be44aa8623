"""Request handlers: small classes with can_handle / handle, grouped by what they serve.
The one registration order is in skill.alexa.skill."""
