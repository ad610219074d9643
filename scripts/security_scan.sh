#!/usr/bin/env bash
# Dynamic scan (wapiti3) of the app served on loopback, as each demo role: see scripts/security_scan.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/security_scan.py "$@"
