"""AWS Lambda entry point. Nothing product-specific lives here.

The skill (and its store: DynamoDB when TABLE_NAME is set, else SQLite in /tmp) is built
once at import, during the cold start, and reused by every warm invocation. The cyclic
garbage collector is paused while that happens (an import makes many objects and few
cycles, so collections then are work for nothing), and what init built is then frozen out
of later collections, so warm turns do not keep re-scanning it.
"""

import gc

gc.disable()
try:
    from skill.alexa.entry import handle_event, prepare

    prepare()
finally:
    gc.freeze()
    gc.enable()
handler = handle_event
