"""AWS Lambda entry of AlertSenderFunction: caregiver alerts handed over by the table's
DynamoDB stream (skill.alexa.alert_sender). Nothing product-specific lives here.

The store and the clients are made once at import, during the cold start, and reused by
every warm invocation. The handler answers with the batch's item failures
(ReportBatchItemFailures), so only the alerts not delivered are retried.
"""

from skill import logs

logs.configure()  # JSON lines on Lambda, before anything logs

from skill.alexa.alert_sender import handle_stream, prepare  # noqa: E402

prepare()
handler = handle_stream
