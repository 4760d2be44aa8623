"""A TCP endpoint on 127.0.0.1 that accepts every connection, reads whatever is sent, and
never answers: a DynamoDB (or any HTTP API) that hangs. It counts what it was sent, so a
test can tell whether a turn called it at all."""

from __future__ import annotations

import socket
import threading


class SilentEndpoint:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.received = b""
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def requests(self) -> int:
        """HTTP requests received so far (each attempt of each call is one)."""
        with self._lock:
            return self.received.count(b"POST ") + self.received.count(b"GET ")

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        """What the endpoint does with a connection: here, read and never answer."""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.received += data

    def close(self) -> None:
        self._closed.set()
        self._server.close()
        with self._lock:
            for conn in self._open:
                conn.close()
