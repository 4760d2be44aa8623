"""AWS Lambda entry point. Nothing product-specific lives here.

The skill (and its store: DynamoDB when TABLE_NAME is set, else SQLite in /tmp) is built
once at import, during the cold start, and reused by every warm invocation.
"""

from skill.alexa.entry import handle_event, prepare

prepare()
handler = handle_event
