#!/usr/bin/env bash
# Run by the Custom Script extension from its download folder, with greeting.txt beside it:
#   bash install.sh "<greeting>"
# Idempotent: running it again with the same files and greeting changes nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
install -d -m 0755 /etc/motd.d /opt/vmss-example
install -m 0644 "$here/greeting.txt" /opt/vmss-example/greeting.txt
printf '%s\n' "${1:-hello}" > /etc/motd.d/50-vmss-example
echo "install.sh: installed $(sha256sum /opt/vmss-example/greeting.txt | cut -c1-16)"
