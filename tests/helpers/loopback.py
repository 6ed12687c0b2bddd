"""A loopback HTTP server for the tests of code that talks to Azure endpoints."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

Handle = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def loopback_server(handle: Handle, methods: Iterable[str]) -> Iterator[str]:
    """Serve ``methods`` (``"GET"``, ``"PUT"``...) on 127.0.0.1 with ``handle``; yields the base
    URL (``http://127.0.0.1:<port>``), and stops the server when the block ends."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    for method in methods:
        setattr(Handler, f"do_{method}", lambda self: handle(self))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
