"""A tiny webhook receiver on loopback for tests: records what it gets, answers a status."""

import http.server
import threading
from dataclasses import dataclass, field


@dataclass
class Receiver:
    url: str
    received: list = field(default_factory=list)  # (headers, body)
    status: int = 200
    event: threading.Event = field(default_factory=threading.Event)


def start() -> tuple[Receiver, http.server.HTTPServer]:
    state: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            receiver = state["r"]
            receiver.received.append((dict(self.headers), body))
            self.send_response(receiver.status)
            self.end_headers()
            self.wfile.write(b"thanks" if receiver.status < 300 else b"broken")
            receiver.event.set()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    state["r"] = receiver
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
