#!/usr/bin/env python3
"""contoso-worker: processes job files dropped into its inbox; run by systemd.

Jobs are JSON files in ``$STATE_DIRECTORY/inbox`` (``/var/lib/contoso-worker/inbox``).
Each is read, its payload digested, and a result written to ``outbox`` before the job is
removed, so a crash never loses a job. A heartbeat file records the last poll; SIGTERM
(``systemctl stop``) finishes the current job and exits cleanly.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

POLL_SECONDS = 5
STATE = Path(os.environ.get("STATE_DIRECTORY", "/var/lib/contoso-worker"))
INBOX = STATE / "inbox"
OUTBOX = STATE / "outbox"
HEARTBEAT = STATE / "heartbeat"

running = True


def stop(signum: int, _frame: object) -> None:
    global running
    running = False
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
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    INBOX.mkdir(parents=True, exist_ok=True)
    OUTBOX.mkdir(parents=True, exist_ok=True)
    print(f"contoso-worker polling {INBOX}", flush=True)
    while running:
        for job in sorted(INBOX.glob("*.json")):
            if not running:
                break
            process(job)
        HEARTBEAT.write_text(str(int(time.time())), encoding="utf-8")
        time.sleep(POLL_SECONDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
