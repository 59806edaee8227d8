"""The replica as a loopback HTTP server, started in a background thread."""

from __future__ import annotations

import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from auditor.replica.app import App
from auditor.replica.http import Request
from auditor.replica.knobs import Knob, Knobs
from auditor.replica.registry import load_accounts
from auditor.replica.store import Store, Write
from auditor.replica.tls import server_context

DEFAULT_SESSION_TTL = 8 * 3600


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # otherwise about 40 ms per request (Nagle + delayed ACK)
    server: "_Server"

    def log_message(self, *args) -> None:
        pass  # requests carry session cookies: never log them

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, headers.get("host", ""), self.path, headers, body)
        response = self.server.app.handle(request)
        if response.delay:
            time.sleep(response.delay)  # the "slow" fault: the server itself answers late
        if response.held:
            self.server.app.knobs.wait_to_let_go()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def __getattr__(self, name: str):
        """Every method, however spelled (do_GET, do_DELETE, do_patch ...), reaches the app and its request log."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    app: App
    tls: ssl.SSLContext

    def __init__(self, *args, **kwargs):
        self._open: set[ssl.SSLSocket] = set()  # before binding: a failed bind calls server_close
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        try:
            connection = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with self._open_lock:
            self._open.add(connection)
        try:
            super().finish_request(connection, client_address)
        except (ssl.SSLError, OSError):
            pass  # the browser went away mid-request
        finally:
            with self._open_lock:
                self._open.discard(connection)
            connection.close()

    def server_close(self) -> None:
        """Stop listening and wake every kept-alive connection, so each thread closes its socket."""
        super().server_close()
        with self._open_lock:
            for connection in self._open:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Replica:
    """A stateful copy of Meta's settings pages on loopback, over TLS; use as a context manager.

    A browser reaches it under Meta's host names when launched with
    auditor.target.Target(replica.url).launch_args() and a context that accepts its certificate.
    """

    def __init__(
        self,
        *,
        accounts_file: Path | None = None,
        db_path: Path | None = None,
        seed: int = 0,
        knobs: list[Knob | str] = (),
        session_ttl: float = DEFAULT_SESSION_TTL,
        visitor_region: str | None = None,
        cookie_generation: int = 1,
    ):
        accounts = load_accounts(accounts_file)  # a bad seed file is refused before anything is made
        self._tmp = tempfile.TemporaryDirectory(prefix="auditor-replica-")
        if db_path is None:
            db_path = Path(self._tmp.name) / "replica.sqlite"
        self.store = Store(db_path, accounts)
        self.knobs = Knobs()
        self.knobs.set(*knobs)
        self.app = App(
            self.store,
            self.knobs,
            seed,
            session_ttl=session_ttl,
            visitor_region=visitor_region,
            cookie_generation=cookie_generation,
        )
        self._server: _Server | None = None

    def start(self, port: int = 0, host: str = "127.0.0.1") -> "Replica":
        self._server = _Server((host, port), _Handler)
        self._server.app = self.app
        self._server.tls = server_context(Path(self._tmp.name))
        threading.Thread(target=self._server.serve_forever, name="replica", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host}:{port}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.store.close()
        self._tmp.cleanup()

    def __enter__(self) -> "Replica":
        return self.start() if self._server is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what tests use
    def writes(self) -> list[Write]:
        return self.store.writes()

    def reset(self, keep_sessions: bool = False) -> None:
        """Seeded state, no knobs, no sessions, no browser's cookie answer: what every test starts from.
        `keep_sessions`: the logins stay valid (a test suite reuses one login across its tests)."""
        self.knobs.clear()
        self.store.reset(keep_sessions)
        self.app.forget_cookie_choices()

    def let_go(self) -> None:
        """Answer what the hold knob keeps back (a test lets a held page load once the run reached its state)."""
        self.knobs.let_go()

    def expire_sessions(self, account: str | None = None) -> None:
        self.store.end_sessions(account)

    def set_seed(self, seed: int) -> None:
        from auditor.replica.html import ClassNames

        self.app.seed = seed
        self.app.cx = ClassNames(seed)
