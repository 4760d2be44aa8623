"""One request's turn: everything a flow needs to answer it, built once per request, and
the reply a flow gives back.

`Turn.of(handler_input)` returns the turn that `TurnInterceptor` (the first request
interceptor) built for this request, or builds it on first use. Building one is cheap:
every part is read when first asked for and then kept for the rest of the turn, so a turn
that never needs the account's key never derives it. That matters: the user key may wait
for the key's secret (skill.keys), and a red-flag warning must never wait on it
(tests/test_storage_budget.py); only account features, and the caregiver alert that
follows a warning (within its own allowance), ask for `user_key`.

Flows return a `Reply` value rather than building the SDK response; `respond.render`
turns it into the response and does the turn's bookkeeping in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, RequestEnvelope
from ask_sdk_model.directive import Directive
from ask_sdk_model.ui import Card

from skill import clock
from skill.alexa import persistence, slots
from skill.alexa.state import ConversationState, conversation
from skill.alexa.timezone import device_zone
from skill.content import Content, for_locale
from skill.store import Store

if TYPE_CHECKING:
    from ask_sdk_model.services import ServiceClientFactory

    from skill.alexa.base import Services
    from skill.checkins.profile import Profile

_KEY = "leg_pain_guide.turn"  # this module's own slot in request attributes
T = TypeVar("T")


class _once(Generic[T]):
    """A value worked out on first use and kept on the instance for the rest of the turn:
    functools.cached_property without Python 3.11's lock (a turn is one thread's, and the
    warm turn's time matters: issue 22)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, turn: Any, owner: Any = None) -> T:
        value = turn.__dict__[self.name] = self.func(turn)
        return value


class Reply(NamedTuple):
    """What a flow answers: the words and what goes with them. `respond.render` makes the
    SDK response of it.

    speech / reprompt: SSML without <speak> (the reprompt defaults to the speech while the
    session stays open); card: (title, text) for a simple card, or an SDK card (the
    permissions consent card); end: the session closes; screen: an APL view (shown on
    devices with a screen); repeat: this reply says the last one again (Repeat: the count
    of turns not understood stands); directives: added as they are (elicit a slot, AskFor);
    bare: no speech and no bookkeeping at all (skill events, session end, the AskFor
    request, which Alexa answers in a fresh turn)."""

    speech: str = ""
    reprompt: str | None = None
    card: tuple[str, str] | Card | None = None
    end: bool = False
    screen: dict[str, Any] | None = None
    repeat: bool = False
    directives: tuple[Directive, ...] = ()
    bare: bool = False


NOTHING = Reply(bare=True)  # for requests that take no speech


class Turn:
    """This request: its state, words, services, clock, account and envelope."""

    def __init__(self, handler_input: HandlerInput, services: Services | None = None) -> None:
        self.handler_input = handler_input  # for the few SDK calls that need it
        self._services = services

    @classmethod
    def of(cls, handler_input: HandlerInput) -> Turn:
        """This request's turn (built by TurnInterceptor, else now)."""
        attrs = handler_input.attributes_manager.request_attributes
        found = attrs.get(_KEY)
        if not isinstance(found, Turn):
            found = attrs[_KEY] = cls(handler_input)
        return found

    # --- what the skill was built with -------------------------------------------------

    @property
    def services(self) -> Services:
        if self._services is None:  # only a turn made outside build_skill's interceptor
            raise RuntimeError("this turn was built without the skill's services")
        return self._services

    @property
    def has_services(self) -> bool:
        return self._services is not None

    @property
    def store(self) -> Store:
        return self.services.store

    # --- the conversation and its words -------------------------------------------------

    @_once
    def state(self) -> ConversationState:
        # Parsed once per request (skill.alexa.state keeps it in request attributes,
        # where the handlers' can_handle found it already).
        return conversation(self.handler_input)

    @_once
    def locale(self) -> str | None:
        return getattr(self.envelope.request, "locale", None)

    @_once
    def content(self) -> Content:
        """The words for this request's locale (skill events have none: en-US)."""
        return for_locale(self.locale)

    @_once
    def now(self) -> datetime:
        """The turn's one instant (skill.clock), in UTC."""
        return clock.utcnow()

    @_once
    def zone(self) -> tzinfo:
        """The device's time zone (skill.alexa.timezone: asked of Alexa, cached; UTC when
        it cannot be known). Asked only by what speaks dates or times of day."""
        return device_zone(self.handler_input)

    @property
    def local_now(self) -> datetime:
        """The turn's instant in the device's zone."""
        return self.now.astimezone(self.zone)

    # --- the account ----------------------------------------------------------------------

    @_once
    def user_key(self) -> str | None:
        """The account's key (persistence.user_key): may wait for the key's secret, so only
        what needs the account asks for it, never the path to a warning."""
        return persistence.user_key(self.envelope)

    @_once
    def user_id(self) -> str | None:
        return persistence.user_id(self.envelope)

    @_once
    def speaker(self) -> str | None:
        """Who is speaking, as check-ins and alerts name them (persistence.speaker)."""
        return persistence.speaker(self.envelope)

    # --- the envelope ---------------------------------------------------------------------

    @property
    def envelope(self) -> RequestEnvelope:
        return self.handler_input.request_envelope

    @property
    def request(self) -> Any:
        return self.envelope.request

    @property
    def request_type(self) -> str | None:
        kind = getattr(self.request, "object_type", None)
        return kind if isinstance(kind, str) else None

    @property
    def request_id(self) -> str | None:
        value = getattr(self.request, "request_id", None)
        return value if isinstance(value, str) else None

    @property
    def has_session(self) -> bool:
        return self.envelope.session is not None

    @_once
    def intent(self) -> Intent:
        return slots.intent_of(self.handler_input)

    @property
    def intent_name(self) -> str | None:
        name = getattr(getattr(self.request, "intent", None), "name", None)
        return name if isinstance(name, str) else None

    def slot_id(self, name: str) -> str | None:
        """The entity-resolution id of one of the intent's slots."""
        return slots.resolved_id(slots.slot(self.intent, name))

    def slot_value(self, name: str) -> str | None:
        """The words heard for a slot, as Alexa sent them."""
        value = getattr(slots.slot(self.intent, name), "value", None)
        return None if value is None else str(value)

    @property
    def system(self) -> Any:
        return getattr(self.envelope.context, "system", None)

    @property
    def api_endpoint(self) -> str | None:
        return getattr(self.system, "api_endpoint", None)

    def granted(self, scope: str) -> bool:
        """Whether the request says the user granted `scope` (Alexa lists granted scopes
        under user.permissions.scopes)."""
        for user in (
            getattr(self.system, "user", None),
            getattr(self.envelope.session, "user", None),
        ):
            scopes = getattr(getattr(user, "permissions", None), "scopes", None) or {}
            status = getattr(scopes.get(scope), "status", None)
            if getattr(status, "value", status) == "GRANTED":
                return True
        return False

    # --- the account's profile: read once a turn, written over the version read ---------
    # (skill.alexa.persistence does the reading and writing; flows ask the turn.)

    def open_profile(self) -> bool:
        """At launch: read the profile, or create it for a new account. True: a first visit."""
        return persistence.open_profile(self.handler_input, self.store)

    def profile_item(self) -> dict[str, Any]:
        """The stored profile as read this turn ({} when there is none or it failed)."""
        return persistence.load(self.handler_input)

    def profile(self) -> Profile:
        """The account's profile, typed; a change is kept only through save_profile."""
        return persistence.profile(self.handler_input)

    def save_profile(self, changed: Profile) -> bool:
        """False when not saved (storage failed, changed or deleted meanwhile, newer)."""
        return persistence.save_profile(self.handler_input, changed)

    @property
    def profile_failed(self) -> bool:
        """Whether the profile could not be read (or saved) this turn."""
        return persistence.failed(self.handler_input)

    def delete_account(self) -> None:
        """Delete everything stored for the account (skill.checkins.account.forget);
        raises when that could not be done (storage failed, or no account key)."""
        self.handler_input.attributes_manager.delete_persistent_attributes()

    @property
    def service_clients(self) -> ServiceClientFactory:
        """Alexa's own APIs (reminders, settings), through the skill's timed API client."""
        factory = self.handler_input.service_client_factory
        if factory is None:
            raise RuntimeError("the skill was built without an API client")
        return factory


class TurnInterceptor(AbstractRequestInterceptor):
    """Registered first: every request's turn, with the services the skill was built with
    (the store, the API client, this process's alert sender)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[_KEY] = Turn(
            handler_input, self.services
        )
