"""The device's own time zone, through the Alexa Settings API (the SDK's UPS service).

Lambda's clock is UTC; a reminder "at 9 am" or "since Monday" must use the person's
zone. Zones change rarely, so each device's is cached in memory for an hour. Any failure
(no permission, no network, a console without Alexa behind it) falls back to UTC and is
logged once per device, never spoken.
"""

from __future__ import annotations

import logging
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.handler_input import HandlerInput

from skill import clock
from skill.store import budget

logger = logging.getLogger(__name__)
CACHE_S = 3600
LOOKUP_S = 0.8  # at most, of the turn's time for network calls (budget.CALLS_S)
_MAX_DEVICES = 1024
_cache: dict[str, tuple[float, tzinfo]] = {}


def device_zone(handler_input: HandlerInput) -> tzinfo:
    device = getattr(
        getattr(getattr(handler_input.request_envelope.context, "system", None), "device", None),
        "device_id",
        None,
    )
    if not device:
        return UTC
    now = clock.monotonic()
    cached = _cache.get(device)
    if cached and now - cached[0] < CACHE_S:
        return cached[1]
    zone = _ask(handler_input, device)
    if len(_cache) >= _MAX_DEVICES:
        _cache.clear()
    _cache[device] = (now, zone)
    return zone


def _ask(handler_input: HandlerInput, device: str) -> tzinfo:
    factory = handler_input.service_client_factory
    try:
        # UTC will do if the settings API is slow: the lookup may not take the time the
        # turn's next call (a reminder) needs.
        with budget.within(LOOKUP_S):
            name = factory.get_ups_service().get_system_time_zone(device) if factory else None
        return ZoneInfo(str(name)) if name else UTC
    except (ZoneInfoNotFoundError, ValueError) as exc:
        logger.warning("device time zone not understood (%s); using UTC", type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - any API failure: UTC rather than no answer
        logger.warning("device time zone unavailable (%s); using UTC", type(exc).__name__)
    return UTC
