"""A scriptable fake of a hosted chat API on loopback: a real HTTP server in a thread.

Subclasses (`openai_server`, `anthropic_server`) speak one vendor's wire format: its path, its auth
headers, its request checks (a malformed request gets the vendor's 400), its success body and its error
body. A test scripts the next answers in order (`answer`, `fail`, `hang`, `raw`); when the script is
empty every valid request gets `default_text`. Every request is recorded, valid or not.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int = 0

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Step = Callable[[Recorded], Response | None]  # None: hang


class FakeChatServer:
    path: ClassVar[str]

    def __init__(self, api_key: str | None = "sk-test-key") -> None:
        self.api_key = api_key
        self.default_text = "ok"
        self.hang_s = 5.0
        self.received: list[Recorded] = []
        self.script: deque[Step] = deque()
        self.lock = threading.Lock()
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = Recorded(
                    "POST",
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                    self.client_address[1],
                )
                response = fake.handle(request)
                if response is None:
                    fake.released.wait(fake.hang_s)
                    self.close_connection = True
                    return
                try:
                    self.send_response(response.status)
                    self.send_header("Content-Type", response.content_type)
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    # --- scripting -------------------------------------------------------------------------------

    def answer(self, text: str | Callable[[Any], str], **extra: Any) -> None:
        """Answer the next valid request with `text` (or `text(request_json)`)."""

        def step(request: Recorded) -> Response:
            body = request.json
            return self.json_response(200, self.success(body, text(body) if callable(text) else text, **extra))

        self.script.append(step)

    def fail(self, status: int, message: str | None = None, retry_after: str | None = None) -> None:
        """Answer the next valid request with the vendor's error body for `status`."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.script.append(lambda _: self.json_response(status, self.error(status, message), headers))

    def hang(self, seconds: float = 5.0) -> None:
        """Answer the next valid request with silence, then drop the connection (sooner if the server closes)."""
        self.script.append(lambda _: None)
        self.hang_s = seconds

    def raw(self, body: bytes, status: int = 200, content_type: str = "application/json") -> None:
        """Answer the next valid request with these exact bytes (a malformed answer)."""
        self.script.append(lambda _: Response(status, body, content_type=content_type))

    # --- what a vendor defines -----------------------------------------------------------------

    def check(self, request: Recorded) -> Response | None:
        """The vendor's own rejection of a request (auth, headers, shape), or None when it is valid."""
        raise NotImplementedError

    def success(self, body: Any, text: str, **extra: Any) -> dict[str, Any]:
        raise NotImplementedError

    def error(self, status: int, message: str | None) -> dict[str, Any]:
        raise NotImplementedError

    # --- plumbing --------------------------------------------------------------------------------

    def json_response(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
        return Response(status, json.dumps(body).encode(), dict(headers or {}))

    def handle(self, request: Recorded) -> Response | None:
        with self.lock:
            self.received.append(request)
        if request.path != self.path:
            return self.json_response(404, self.error(404, f"no route {request.path}"))
        rejected = self.check(request)
        if rejected is not None:
            return rejected
        with self.lock:
            step = self.script.popleft() if self.script else None
        if step is None:
            return self.json_response(200, self.success(request.json, self.default_text))
        return step(request)

    def requests(self) -> list[Recorded]:
        with self.lock:
            return list(self.received)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def parse_json(request: Recorded) -> Any:
    try:
        return json.loads(request.body)
    except ValueError:
        return None
