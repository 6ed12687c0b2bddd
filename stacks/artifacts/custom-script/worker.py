#!/usr/bin/env python3
"""contoso-worker: processes job files dropped into its inbox; run by systemd.

Jobs are JSON files in ``$STATE_DIRECTORY/inbox`` (``/var/lib/contoso-worker/inbox``).
Each is read, its payload digested, and a result written to ``outbox`` before the job is
removed, so a crash never loses a job. A heartbeat file records the last poll; SIGTERM
(``systemctl stop``) finishes the current job and exits cleanly.

``GET http://127.0.0.1:8080/healthz`` answers 200 while the poll loop is alive (a poll in
the last three intervals) and 503 otherwise: the scale set's Application Health extension
probes it from the instance itself, so rolling upgrades wait for a working worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

POLL_SECONDS = 5
HEALTH_ADDRESS = ("127.0.0.1", int(os.environ.get("HEALTH_PORT", "8080")))
STATE = Path(os.environ.get("STATE_DIRECTORY", "/var/lib/contoso-worker"))
INBOX = STATE / "inbox"
OUTBOX = STATE / "outbox"
HEARTBEAT = STATE / "heartbeat"

stopping = threading.Event()
last_poll = 0.0


class Health(BaseHTTPRequestHandler):
    """The health endpoint: alive while the poll loop is."""

    def do_GET(self) -> None:
        healthy = self.path == "/healthz" and time.time() - last_poll < 3 * POLL_SECONDS
        body = b"ok\n" if healthy else b"unhealthy\n"
        self.send_response(200 if healthy else 503)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def stop(signum: int, _frame: object) -> None:
    stopping.set()
    print(f"signal {signum}: stopping after the current job", flush=True)


def process(job: Path) -> None:
    try:
        payload = json.loads(job.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"{job.name}: unreadable job, moved aside: {error}", file=sys.stderr, flush=True)
        job.rename(job.with_suffix(".failed"))
        return
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    result = {"job": job.name, "sha256": digest, "finished": time.time()}
    target = OUTBOX / job.name
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(result), encoding="utf-8")
    partial.replace(target)
    job.unlink()
    print(f"{job.name}: done", flush=True)


def main() -> int:
    global last_poll
    server = ThreadingHTTPServer(HEALTH_ADDRESS, Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    INBOX.mkdir(parents=True, exist_ok=True)
    OUTBOX.mkdir(parents=True, exist_ok=True)
    print(f"contoso-worker polling {INBOX}", flush=True)
    while not stopping.is_set():
        for job in sorted(INBOX.glob("*.json")):
            if stopping.is_set():
                break
            process(job)
        last_poll = time.time()
        HEARTBEAT.write_text(str(int(last_poll)), encoding="utf-8")
        stopping.wait(POLL_SECONDS)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
