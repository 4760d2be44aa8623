"""A TCP endpoint on 127.0.0.1 that answers every request one byte every 0.15 s, forever:
a status line, then a header that never ends. Socket read timeouts (botocore's, urllib3's)
never trip, because each read gets its byte in time; only a wall-clock deadline ends the
call. It counts the requests it was sent."""

from __future__ import annotations

import socket
import threading

DRIP_S = 0.15


class DrippingEndpoint:
    def __init__(self, every_s: float = DRIP_S) -> None:
        self.every_s = every_s
        self._server = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(conn)
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            received = b""
            while b"\r\n\r\n" not in received:  # the request's head
                data = conn.recv(65536)
                if not data:
                    return
                received += data
            with self._lock:
                self.requests += 1
            reply = b"HTTP/1.1 200 OK\r\nx-drip: " + b"a" * 1_000_000
            for byte in reply:
                if self._closed.wait(self.every_s):
                    return
                conn.sendall(bytes([byte]))
        except OSError:
            return

    def close(self) -> None:
        self._closed.set()
        self._server.close()
        with self._lock:
            for conn in self._open:
                conn.close()
