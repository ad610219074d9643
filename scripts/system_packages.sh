#!/usr/bin/env bash
# The Debian packages the project needs beside Python: installed when missing (as root, with apt),
# otherwise the exact command to run is printed and the calling make target stops.
#   scripts/system_packages.sh run    WeasyPrint's libraries and fonts (PDF bilans)
#   scripts/system_packages.sh test   the same, plus Chromium (browser tests) and gettext (translation check)
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core)
if [ "${1:-run}" = test ]; then
  packages+=(chromium gettext)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system: install WeasyPrint's libraries (Pango, HarfBuzz), Chromium and gettext with your" \
    "package manager (browser tests are skipped without Chromium)." >&2
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them, then run make again:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
echo "Installing the missing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
