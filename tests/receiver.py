"""A notification receiver on loopback: what Apprise's JSON notifications (json://127.0.0.1:PORT/PATH) deliver.

Each POST is kept (its path, its basic-auth user and password, its JSON) before it is answered, so a
notification a command sent has arrived by the time the command has ended: no waiting in a test.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    auth: str  # "user:password" of basic auth, or ""
    body: dict

    @property
    def title(self) -> str:
        return self.body["title"]

    @property
    def message(self) -> str:
        return self.body["message"]


class Receiver:
    def __init__(self, status: int = 200):
        self.status = status  # what it answers: 200 takes a notification, 500 refuses it
        self._got: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                auth = self.headers.get("Authorization", "")
                user = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth.startswith("Basic ") else ""
                with receiver._lock:
                    receiver._got.append(Received(self.path, user, json.loads(raw)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):  # the test's output stays the test's
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, user: str = "", password: str = "") -> str:
        login = f"{user}:{password}@" if user else ""
        return f"json://{login}127.0.0.1:{self.server.server_port}/{path}"

    def take(self, path: str | None = None) -> list[Received]:
        """What arrived (at `path`) since the last take."""
        taken, kept = [], []
        with self._lock:
            for received in self._got:
                (taken if path is None or received.path == f"/{path}" else kept).append(received)
            self._got = kept
        return taken

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
