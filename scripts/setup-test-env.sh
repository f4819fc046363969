#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian machine: the package with its
# test extras (pytest, Playwright, SPARQLWrapper, the Oxigraph server binary) and
# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium;
# no browser is downloaded).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! [ -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium fonts-dejavu-core
fi
python -m pip install -q -e ".[test]"
