"""A forged request must never cost an outbound fetch unless it passes every free check;
the chain cache is keyed by the canonical URL, bounded, remembers failures, fetches each URL
once at a time and new URLs at a bounded rate; a cached chain is used only while its whole
path is valid.

Real certificates and signatures (web_pki), real HTTP to a local chain server, the
production URL rule pointed at it; only the clock is the test's."""

from __future__ import annotations

import base64
import logging
import threading
import time
import urllib.request
from datetime import timedelta

import pytest
from support import SKILL_ID
from web_pki import NOW, ChainServer, Pki
from web_support import Clock, ConnectCountingProxy, answer, envelope, forged_signature, headers

from skill.web.app import create_app
from skill.web.refusals import RefusalLog
from skill.web.verify import Limits, VerificationError, Verifier, check_cert_url

CHAIN_PATH = "/echo.api/echo-api-cert.pem"
S3_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


@pytest.fixture
def chains(pki):
    server = ChainServer()
    server.chains[CHAIN_PATH] = pki.pem()
    server.default = CHAIN_PATH
    yield server
    server.close()


@pytest.fixture
def clock():
    return Clock()


def verifier_for(pki, chains, clock, **limits) -> Verifier:
    return Verifier(skill_id=SKILL_ID, url_rule=chains.url_rule, roots=[pki.root],
                    clock=clock, limits=Limits(**limits))


class Endpoint:
    """The Flask app around one verifier, and how to send it signed or forged requests."""

    def __init__(self, verifier: Verifier, pki: Pki, clock: Clock) -> None:
        self.verifier, self.pki, self.clock = verifier, pki, clock
        self.client = create_app(verifier=verifier, verify=True, handler=answer).test_client()

    def signed(self, url: str, body: bytes | None = None) -> int:
        body = body or envelope(self.clock.now)
        return self.send(body, headers(url, self.pki.sign(body)))

    def forged(self, url: str, body: bytes | None = None) -> int:
        return self.send(body or envelope(self.clock.now), headers(url, forged_signature()))

    def send(self, body: bytes, hdrs: dict[str, str]) -> int:
        return self.client.post("/", data=body, headers=hdrs).status_code


@pytest.fixture
def endpoint(pki, chains, clock):
    return Endpoint(verifier_for(pki, chains, clock), pki, clock)


# --- free checks come before any fetch --------------------------------------------------

def _drop_signature(h, body, chains):
    del h["Signature-256"]


def _set(name, value):
    def change(h, body, chains):
        h[name] = value(chains) if callable(value) else value
    return change


FREE_CHECK_FORGERIES = {
    "no signature header": (_drop_signature, None),
    "signature not base64": (_set("Signature-256", "not base64 at all!"), None),
    "signature too short for RSA": (_set("Signature-256", base64.b64encode(b"x" * 16).decode()),
                                    None),
    "signature too long for RSA": (_set("Signature-256", base64.b64encode(b"x" * 600).decode()),
                                   None),
    "url with a query": (_set("SignatureCertChainUrl",
                              lambda c: c.url(CHAIN_PATH) + "?q=1"), None),
    "url with a fragment": (_set("SignatureCertChainUrl",
                                 lambda c: c.url(CHAIN_PATH) + "#x"), None),
    "url with userinfo": (_set("SignatureCertChainUrl",
                               lambda c: c.url(CHAIN_PATH).replace("//", "//me@")), None),
    "url with %2e%2e": (_set("SignatureCertChainUrl",
                             lambda c: c.url("/echo.api/%2e%2e/echo.api/echo-api-cert.pem")),
                        None),
    "url with a zero-padded port": (_set("SignatureCertChainUrl",
                                         lambda c: f"http://127.0.0.1:0{c.port}{CHAIN_PATH}"),
                                    None),
    "body not JSON": (None, lambda now: b"{not json"),
    "body a JSON array": (None, lambda now: b"[1, 2, 3]"),
    "timestamp 151 s old": (None, lambda now: envelope(now - timedelta(seconds=151))),
    "timestamp 151 s ahead": (None, lambda now: envelope(now + timedelta(seconds=151))),
    "no timestamp": (None, lambda now: envelope(now).replace(b'"timestamp"', b'"when"')),
    "another skill": (None, lambda now: envelope(now, app_id="amzn1.ask.skill.other")),
}


@pytest.mark.parametrize("forgery", list(FREE_CHECK_FORGERIES))
def test_a_forgery_failing_a_free_check_is_refused_without_any_fetch(forgery, endpoint, chains,
                                                                     pki, clock):
    change_headers, make_body = FREE_CHECK_FORGERIES[forgery]
    body = make_body(clock.now) if make_body else envelope(clock.now)
    hdrs = headers(chains.url(CHAIN_PATH), pki.sign(body))  # a real signature, even
    if change_headers:
        change_headers(hdrs, body, chains)
    assert endpoint.send(body, hdrs) == 400
    assert chains.fetches == 0


# --- the certificate URL rule (production) ----------------------------------------------

@pytest.mark.parametrize("url", [
    "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://:@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e%2e/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2E%2E/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/.%2e/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%2e/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%252e%252e/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api%2f..%2fevil.pem",
    "https://s3.amazonaws.com/echo.api/x%2fy.pem",
    "https://s3.amazonaws.com/echo.api/%ff.pem",
    "https://s3.amazonaws.com/echo.api//echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/",
    "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?versionId=1",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#",
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#frag",
    "https://s3.amazonaws.com/echo.api\\echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/echo-api-cert\u00e9.pem",
    "https://s3.amazonaws.com/echo.api/" + "a" * 600 + ".pem",
])
def test_the_strict_url_rule_refuses(url):
    with pytest.raises(VerificationError):
        check_cert_url(url)


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem",
    "https://s3.amazonaws.com/%65cho%2Eapi/echo-api-cert.pem",
])
def test_url_variants_have_one_canonical_form(url):
    assert check_cert_url(url) == S3_URL


# --- the cache -------------------------------------------------------------------------

def test_url_variants_hit_one_cache_entry(endpoint, chains):
    port = chains.port
    variants = [
        chains.url(CHAIN_PATH),
        f"HTTP://127.0.0.1:{port}/echo.api/echo-api-cert.pem",
        f"http://127.0.0.1:{port}/echo.api/%65cho-api-cert.pem",
        f"http://127.0.0.1:{port}/%65cho%2eapi/echo-api-cert.pem",
    ]
    assert [endpoint.signed(url) for url in variants] == [200] * len(variants)
    assert chains.fetches == 1
    assert endpoint.verifier.cache_info().entries == 1


def test_a_failed_fetch_is_remembered_for_a_minute(endpoint, chains, clock):
    missing = chains.url("/echo.api/not-there.pem")
    assert [endpoint.signed(missing) for _ in range(10)] == [400] * 10
    assert chains.fetches == 1
    clock.advance(seconds=59)
    assert endpoint.signed(missing) == 400
    assert chains.fetches == 1
    clock.advance(seconds=2)
    assert endpoint.signed(missing) == 400
    assert chains.fetches == 2


def test_a_refused_chain_is_remembered_too(endpoint, chains, pki):
    chains.chains["/echo.api/no-san.pem"] = pki.pem(pki.make_leaf(san="evil.example.com"))
    url = chains.url("/echo.api/no-san.pem")
    assert [endpoint.signed(url) for _ in range(5)] == [400] * 5
    assert chains.fetches == 1


def test_the_cache_keeps_32_chains_least_recently_used_out(pki, chains, clock):
    chains.serve_any = True
    endpoint = Endpoint(verifier_for(pki, chains, clock, fetch_burst=100), pki, clock)
    urls = [chains.url(f"/echo.api/cert-{n}.pem") for n in range(40)]
    assert [endpoint.signed(url) for url in urls] == [200] * 40
    assert endpoint.verifier.cache_info().entries == 32
    assert endpoint.signed(urls[-1]) == 200
    assert chains.fetches == 40, "the most recent URL is still cached"
    assert endpoint.signed(urls[0]) == 200
    assert chains.fetches == 41, "the oldest URL was evicted and fetched again"


def test_20000_url_variants_leave_the_cache_bounded(pki, chains, clock):
    # Every variant serves the genuine chain and every request is properly signed: the
    # worst case. Before the fix each variant became its own cache entry (20,000).
    chains.serve_any = True
    verifier = verifier_for(pki, chains, clock)
    body = envelope(clock.now)
    signature = pki.sign(body)
    base = chains.url("/echo.api/")
    variants = [f"{base}echo-api-cert.pem?n={n}" for n in range(10_000)]
    variants += [f"{base}cert-{n}.pem" for n in range(10_000)]
    accepted = 0
    for url in variants:
        try:
            verifier.verify(headers(url, signature), body)
            accepted += 1
        except VerificationError:
            pass
    info = verifier.cache_info()
    limits = verifier.limits
    print(f"\n20,000 URL variants: {accepted} accepted, {info.fetches} fetches, "
          f"{info.entries} cached chains, {info.failures} remembered failures, "
          f"{info.rate_limited} refused by the fetch rate")
    assert info.entries <= limits.entries
    assert info.failures <= limits.failures
    assert info.fetches <= limits.fetch_burst
    assert chains.fetches == info.fetches


# --- one fetch in flight per URL, none holding up another URL ---------------------------

def in_thread(fn, *args) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)), daemon=True)
    thread.start()
    return thread, result


def test_concurrent_requests_for_one_new_url_share_one_fetch(endpoint, chains):
    gate = chains.gates[CHAIN_PATH] = threading.Event()
    url = chains.url(CHAIN_PATH)
    threads = [in_thread(endpoint.signed, url) for _ in range(4)]
    chains.wait_for_fetch(CHAIN_PATH)
    deadline = time.monotonic() + 5
    while endpoint.verifier.cache_info().waiting < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.set()
    for thread, _ in threads:
        thread.join(10)
    assert [result for _, result in threads] == [[200]] * 4
    assert chains.fetches == 1


def test_a_cold_start_serves_five_simultaneous_requests_from_one_fetch(endpoint, chains):
    # The price of bounding the threads that wait on S3 (1 fetch + 4 waiters): the 6th and
    # 7th request that arrive while the very first fetch is out are refused, at once.
    gate = chains.gates[CHAIN_PATH] = threading.Event()
    url = chains.url(CHAIN_PATH)
    first = in_thread(endpoint.signed, url)
    chains.wait_for_fetch(CHAIN_PATH)
    waiters = [in_thread(endpoint.signed, url) for _ in range(4)]
    deadline = time.monotonic() + 5
    while endpoint.verifier.cache_info().waiting < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    start = time.perf_counter()
    late = [endpoint.signed(url) for _ in range(2)]
    took = time.perf_counter() - start
    gate.set()
    for thread, _ in [first, *waiters]:
        thread.join(10)
    assert [result for _, result in [first, *waiters]] == [[200]] * 5
    assert late == [400, 400]
    assert took < 0.5
    assert chains.fetches == 1


def test_a_slow_fetch_does_not_hold_up_another_new_url(endpoint, chains, pki):
    chains.chains["/echo.api/slow.pem"] = pki.pem()
    gate = chains.gates["/echo.api/slow.pem"] = threading.Event()
    slow, slow_result = in_thread(endpoint.signed, chains.url("/echo.api/slow.pem"))
    chains.wait_for_fetch("/echo.api/slow.pem")
    start = time.perf_counter()
    status = endpoint.signed(chains.url(CHAIN_PATH))
    took = time.perf_counter() - start
    gate.set()
    slow.join(10)
    assert status == 200
    assert took < 1.0, f"waited {took:.2f} s behind another URL's fetch"
    assert slow_result == [200]


def test_a_slow_fetch_does_not_hold_up_a_cached_url(endpoint, chains, pki):
    assert endpoint.signed(chains.url(CHAIN_PATH)) == 200
    gate = chains.gates["/echo.api/slow.pem"] = threading.Event()
    slow, _ = in_thread(endpoint.signed, chains.url("/echo.api/slow.pem"))
    chains.wait_for_fetch("/echo.api/slow.pem")
    start = time.perf_counter()
    statuses = [endpoint.signed(chains.url(CHAIN_PATH)) for _ in range(20)]
    took = time.perf_counter() - start
    gate.set()
    slow.join(10)
    assert statuses == [200] * 20
    assert took < 1.0


def test_new_urls_beyond_the_fetch_cap_are_refused_at_once_not_queued(endpoint, chains):
    held = []
    # Limits.max_fetches = 2, one of them kept for URLs named like Alexa's own.
    for name in ("slow-1", "echo-api-cert-7"):
        path = f"/echo.api/{name}.pem"
        chains.gates[path] = threading.Event()
        held.append(in_thread(endpoint.signed, chains.url(path)))
        chains.wait_for_fetch(path)
    start = time.perf_counter()
    status = endpoint.signed(chains.url("/echo.api/third.pem"))
    took = time.perf_counter() - start
    for gate in chains.gates.values():
        gate.set()
    for thread, _ in held:
        thread.join(10)
    assert status == 400
    assert took < 0.5
    assert "/echo.api/third.pem" not in chains.paths


def test_one_fetch_slot_is_kept_for_urls_named_like_alexas_own(endpoint, chains):
    path = "/echo.api/slow-1.pem"
    chains.gates[path] = threading.Event()
    held = in_thread(endpoint.signed, chains.url(path))
    chains.wait_for_fetch(path)
    other = endpoint.forged(chains.url("/echo.api/slow-2.pem"))
    genuine = endpoint.signed(chains.url(CHAIN_PATH))
    chains.gates[path].set()
    held[0].join(10)
    assert (other, genuine) == (400, 200)
    assert "/echo.api/slow-2.pem" not in chains.paths


# --- a bounded fetch rate for URLs not in the cache -------------------------------------

def test_a_flood_of_new_urls_gets_a_few_fetches_then_quick_refusals(endpoint, chains, clock):
    genuine = chains.url(CHAIN_PATH)
    assert endpoint.signed(genuine) == 200
    statuses = []
    for n in range(50):
        statuses.append(endpoint.forged(chains.url(f"/echo.api/flood-{n}.pem")))
        assert endpoint.signed(genuine) == 200, "the cached URL keeps working"
    assert statuses == [400] * 50
    burst = endpoint.verifier.limits.fetch_burst
    # The genuine URL's fetch takes a token of its own bucket (named like Alexa's).
    assert chains.fetches == 1 + burst, "the genuine fetch and a burst of flood fetches"
    clock.advance(seconds=2)  # 0.5 fetch/s: one more token
    endpoint.forged(chains.url("/echo.api/flood-later.pem"))
    assert chains.fetches == 1 + burst + 1


def test_after_a_restart_a_flood_of_new_urls_leaves_alexas_own_url_its_fetch(
        endpoint, chains):
    """Issue 23, row 5: the flood came first and spent every token, so Alexa's URL, not
    yet cached, was refused as rate limited for as long as the flood lasted."""
    statuses = [endpoint.forged(chains.url(f"/echo.api/flood-{n}.pem")) for n in range(50)]
    assert statuses == [400] * 50
    assert endpoint.signed(chains.url(CHAIN_PATH)) == 200
    assert [endpoint.signed(chains.url(CHAIN_PATH)) for _ in range(5)] == [200] * 5


def test_a_redirect_is_not_followed(endpoint, chains):
    chains.redirects["/echo.api/moved.pem"] = CHAIN_PATH
    assert endpoint.signed(chains.url("/echo.api/moved.pem")) == 400
    assert chains.paths == ["/echo.api/moved.pem"]


# --- validity of the whole path on every use --------------------------------------------

def test_a_cached_chain_is_refused_once_its_intermediate_expires(pki, chains, clock):
    # The leaf outlives the intermediate (valid to NOW + 30 days).
    chains.chains["/echo.api/long-leaf.pem"] = pki.pem(
        pki.make_leaf(not_after=NOW + timedelta(days=60)))
    endpoint = Endpoint(verifier_for(pki, chains, clock), pki, clock)
    url = chains.url("/echo.api/long-leaf.pem")
    assert endpoint.signed(url) == 200
    clock.advance(days=31)
    assert endpoint.signed(url) == 400


# --- a forged flood through a real proxy, with the production rule and fetcher ----------

@pytest.fixture
def proxy(monkeypatch):
    proxy = ConnectCountingProxy()
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, proxy.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    # urlopen keeps the opener it first built, proxies and all: make it read ours.
    urllib.request.install_opener(None)
    yield proxy
    urllib.request.install_opener(None)
    proxy.close()


def test_a_forged_flood_through_a_real_proxy_costs_a_few_outbound_fetches(pki, clock, proxy):
    verifier = Verifier(skill_id=SKILL_ID, roots=[pki.root], clock=clock)  # production rule
    endpoint = Endpoint(verifier, pki, clock)
    now = clock.now

    # 80 forgeries that fail a free check, all naming the genuine S3 URL.
    free = [endpoint.send(envelope(now), headers(S3_URL, "bad!")) for _ in range(20)]
    free += [endpoint.forged(S3_URL, envelope(now - timedelta(minutes=5))) for _ in range(20)]
    free += [endpoint.forged(S3_URL, envelope(now, app_id="amzn1.ask.skill.x"))
             for _ in range(20)]
    free += [endpoint.forged(S3_URL + f"?n={n}") for n in range(20)]
    after_free_checks = len(proxy.targets)

    # 80 that pass every free check, for the one genuine URL: one fetch, then remembered.
    same = [endpoint.forged(S3_URL) for _ in range(80)]
    after_same_url = len(proxy.targets)

    # 200 distinct valid-looking URLs: the fetch rate allows a few, the rest are refused.
    distinct = [endpoint.forged(f"https://s3.amazonaws.com/echo.api/a{n}.pem")
                for n in range(200)]
    total = len(proxy.targets)
    print(f"\noutbound fetches through the proxy: {after_free_checks} for 80 forgeries failing "
          f"a free check, {after_same_url - after_free_checks} for 80 on one URL, "
          f"{total - after_same_url} for 200 distinct URLs")
    assert set(free + same + distinct) == {400}
    assert after_free_checks == 0
    assert after_same_url == 1
    # The genuine URL's one fetch came from its own bucket; the distinct ones from the other.
    assert total - after_same_url <= verifier.limits.fetch_burst
    assert set(proxy.targets) <= {"s3.amazonaws.com:443"}


# --- the log under a flood ---------------------------------------------------------------

def test_a_flood_of_refusals_logs_a_line_per_reason_not_per_request(endpoint, chains, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(200):
            endpoint.forged(chains.url(CHAIN_PATH) + "?q")
    lines = [r.getMessage() for r in caplog.records if "refused request" in r.getMessage()]
    assert lines == ["refused request: certificate URL has a query or fragment"]


def test_refusals_not_logged_are_counted_in_the_next_line(caplog):
    now = [0.0]
    log = RefusalLog(logging.getLogger("test.refusals"), every_s=10, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.refusals"):
        for _ in range(50):
            log.refused("signature does not match the body")
        log.refused("timestamp is too far from now")
        now[0] = 10.5
        log.refused("signature does not match the body")
    assert [r.getMessage() for r in caplog.records] == [
        "refused request: signature does not match the body",
        "refused request: timestamp is too far from now",
        "refused request: signature does not match the body (and 49 more in the last 10 s "
        "or so)",
    ]
