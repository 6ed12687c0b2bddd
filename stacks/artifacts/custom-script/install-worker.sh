#!/usr/bin/env bash
# Installs and enables contoso-worker, a small systemd service, on a Linux scale-set instance.
#
# Run by the Custom Script extension from its download folder, with worker.py beside it:
#   fileUris: install-worker.sh, worker.py    commandToExecute: bash install-worker.sh
#
# Idempotent: the last step writes a marker named after the digest of this script and of
# worker.py. The extension runs again whenever its settings or update tag change (and on
# repairs); with the same content the marker is found and the run is a quick success that
# only makes sure the service is running. New content installs over the old version.
#
# INSTALL_ROOT (empty on an instance) and SYSTEMCTL let tests install into a scratch folder.
set -euo pipefail

readonly SERVICE=contoso-worker
ROOT="${INSTALL_ROOT:-}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE="$HERE/worker.py"

log() { printf '%s install-worker: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

if [[ ! -f "$SOURCE" ]]; then
  log "worker.py is missing from $HERE: list it in the extension's files"
  exit 1
fi

VERSION="$(cat "${BASH_SOURCE[0]}" "$SOURCE" | sha256sum | cut -c1-16)"
MARKER_DIR="$ROOT/var/lib/$SERVICE-install"
MARKER="$MARKER_DIR/installed-$VERSION"

if [[ -f "$MARKER" ]]; then
  log "$SERVICE $VERSION is already installed ($MARKER): nothing to install"
  if ! "$SYSTEMCTL" is-active --quiet "$SERVICE.service"; then
    log "$SERVICE is not running: starting it"
    "$SYSTEMCTL" start "$SERVICE.service"
  fi
  exit 0
fi

# python3 ships with Ubuntu, Debian and RHEL images; install it where an image lacks it.
if [[ -z "$ROOT" ]] && ! command -v python3 >/dev/null 2>&1; then
  log "installing python3"
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3
  elif command -v dnf >/dev/null 2>&1; then
    dnf install -y -q python3
  else
    log "python3 is missing and no known package manager is available"
    exit 1
  fi
fi

log "installing $SERVICE $VERSION"
install -d -m 0755 "$ROOT/opt/$SERVICE" "$ROOT/etc/systemd/system"
install -m 0755 "$SOURCE" "$ROOT/opt/$SERVICE/worker.py.new"
mv -f "$ROOT/opt/$SERVICE/worker.py.new" "$ROOT/opt/$SERVICE/worker.py"

UNIT="$ROOT/etc/systemd/system/$SERVICE.service"
cat > "$UNIT.new" <<UNIT_FILE
[Unit]
Description=Contoso background worker
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
# A transient system user and a state directory under /var/lib, both managed by systemd.
DynamicUser=yes
StateDirectory=$SERVICE
ExecStart=/usr/bin/env python3 /opt/$SERVICE/worker.py
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
UNIT_FILE
mv -f "$UNIT.new" "$UNIT"

"$SYSTEMCTL" daemon-reload
"$SYSTEMCTL" enable "$SERVICE.service"
# restart, not start: an upgrade must replace the running worker.
"$SYSTEMCTL" restart "$SERVICE.service"

# The marker comes last: a run that failed above leaves none, so the next run retries.
install -d -m 0755 "$MARKER_DIR"
rm -f "$MARKER_DIR"/installed-*
: > "$MARKER"
log "$SERVICE $VERSION installed and running"
