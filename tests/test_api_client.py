"""TimedApiClient on urllib3 (issue 22 dropped `requests` from the package): redirects are
not followed, the reply's charset is honoured, connections are kept between calls, and a
proxy named in the environment is used as requests used it. Local servers on 127.0.0.1."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model.services import ApiClientRequest

from skill.alexa import api_client
from skill.alexa.api_client import TimedApiClient


class Server:
    def __init__(self, answer: Any) -> None:
        self.paths: list[str] = []
        self.ports: set[int] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.paths.append(self.path)
                outer.ports.add(self.client_address[1])
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Server] = []

    def make(answer: Any) -> Server:
        servers.append(Server(answer))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY",
                 "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def get(url: str) -> Any:
    client = TimedApiClient(allow_loopback_http=True)
    return client.invoke(ApiClientRequest(method="GET", url=url))


def test_a_redirect_is_answered_not_followed(serve):
    elsewhere = serve(lambda path: (200, {}, b"followed"))
    redirecting = serve(lambda path: (302, {"Location": f"{elsewhere.url}/x"}, b""))
    reply = get(f"{redirecting.url}/v2/settings")
    assert reply.status_code == 302
    assert elsewhere.paths == []


def test_the_reply_is_read_in_its_charset_and_undecodable_bytes_never_raise(serve):
    text = "Zürich".encode("latin-1")
    server = serve(lambda path: (200, {"Content-Type": "text/plain; charset=latin-1"}, text)
                   if path == "/named" else (200, {"Content-Type": "application/json"},
                                             b'"\xff"'))
    assert get(f"{server.url}/named").body == "Zürich"
    assert get(f"{server.url}/unnamed").body == '"\ufffd"'


def test_connections_are_kept_between_calls(serve):
    server = serve(lambda path: (200, {"Content-Type": "application/json"}, b"{}"))
    for _ in range(3):
        assert get(f"{server.url}/v2/x").status_code == 200
    assert len(server.ports) == 1  # one client connection for all three calls


def test_a_proxy_named_in_the_environment_is_used(serve, monkeypatch):
    target = serve(lambda path: (200, {}, b"direct"))
    proxy = serve(lambda path: (200, {}, b"via the proxy"))
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    assert get(f"{target.url}/v2/x").body == "via the proxy"
    assert proxy.paths == [f"{target.url}/v2/x"] and target.paths == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert get(f"{target.url}/v2/x").body == "direct"


def test_nothing_lambda_ships_imports_requests():
    """The build leaves requests out of the zip (infra/build_package.py)."""
    package = Path(api_client.__file__).resolve().parents[1]
    shipped = [p for p in package.rglob("*.py") if not {"console", "web"} & set(p.parts)]
    assert shipped
    for path in shipped:
        assert not re.search(r"^\s*(import|from) requests\b", path.read_text(), re.M), path


# Issue 23, row 4: a token must go only to Amazon, however the URL is written, and the
# check is made where every call is sent (TimedApiClient), not only where URLs are built.
NOT_AMAZON = [
    "https://evil.example\\@api.amazonalexa.com/v1/proactiveEvents",
    "https://[::1]\\@api.amazonalexa.com/v1/proactiveEvents",
    "https://user@api.amazonalexa.com/v1/proactiveEvents",
    "https://evil.example/v1/proactiveEvents",
    "https://api.amazonalexa.com.evil.example/v1/proactiveEvents",
    "https://api.amazonalexa.com:8443/v1/proactiveEvents",
    "https://127.0.0.1/v1/proactiveEvents",
    "https://[::1]/v1/proactiveEvents",
    "https://54.239.0.1/v1/proactiveEvents",
    "http://api.amazonalexa.com/v1/proactiveEvents",
]


@pytest.mark.parametrize("url", NOT_AMAZON)
def test_a_bearer_token_is_never_sent_anywhere_but_amazon(url, monkeypatch):
    opened: list[object] = []
    monkeypatch.setattr(api_client, "_pool", lambda *a: opened.append(a))
    request = ApiClientRequest(method="POST", url=url, body={},
                               headers=[("Authorization", "Bearer secret-token")])
    with pytest.raises(Exception):  # noqa: B017 - refused, with a short reason
        TimedApiClient().invoke(request)
    assert opened == [], "no connection was made"


def test_proactive_events_check_the_endpoint_when_sending(monkeypatch):
    from skill.alexa import proactive

    for url in NOT_AMAZON:
        with pytest.raises(proactive.AlertFailed):
            proactive.events_url(url.removesuffix("/v1/proactiveEvents"))
    assert proactive.events_url("https://api.eu.amazonalexa.com") == (
        "https://api.eu.amazonalexa.com/v1/proactiveEvents")
