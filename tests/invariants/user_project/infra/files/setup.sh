#!/bin/sh
set -eu
echo "worker ready" > /var/tmp/worker-ready
