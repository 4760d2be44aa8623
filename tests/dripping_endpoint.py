"""A TCP endpoint on 127.0.0.1 that answers every request one byte every 0.15 s, forever:
a status line, then a header that never ends. Socket read timeouts (botocore's, urllib3's)
never trip, because each read gets its byte in time; only a wall-clock deadline ends the
call. It counts the requests it was sent."""

from __future__ import annotations

import socket

from silent_endpoint import SilentEndpoint

DRIP_S = 0.15


class DrippingEndpoint(SilentEndpoint):
    """SilentEndpoint's server, answering each request's head with the drip."""

    def __init__(self, every_s: float = DRIP_S) -> None:
        self.every_s = every_s
        self._answered = 0
        super().__init__()

    @property
    def requests(self) -> int:
        with self._lock:
            return self._answered

    def _serve(self, conn: socket.socket) -> None:
        try:
            received = b""
            while b"\r\n\r\n" not in received:  # the request's head
                data = conn.recv(65536)
                if not data:
                    return
                received += data
            with self._lock:
                self._answered += 1
            reply = b"HTTP/1.1 200 OK\r\nx-drip: " + b"a" * 1_000_000
            for byte in reply:
                if self._closed.wait(self.every_s):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return
