#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian machine, into the active virtual environment:
# the package (editable) with its test extras (pytest, Playwright, SPARQLWrapper, the Oxigraph server
# binary, owlready2 with HermiT, hatchling for the wheel test), and from Debian: Chromium for the browser
# tests (Playwright drives /usr/bin/chromium; no browser is downloaded), a JDK for HermiT and the OWL API
# profile checker, the OWL API itself (libowlapi-java), poppler-utils (pdftoppm: the print test looks at
# the printed pages) and Node.js with npm (scripts/lint-js.sh installs ESLint from package-lock.json; the
# Argdown CLI for the export tests, both from package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
# virtuoso-opensource-7-bin: the binaries of Debian's virtuoso-opensource, without the system service;
# tests/test_virtuoso.py starts its own instance on loopback with its own configuration.
DEBIAN_PACKAGES=(chromium fonts-dejavu-core default-jdk-headless libowlapi-java poppler-utils virtuoso-opensource-7-bin)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js with npm only where none is there: a machine may have Node.js from elsewhere (any >= 18 will do).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
python -m pip install -q -e ".[test]"
# ESLint (scripts/lint-js.sh) and the Argdown parser, which tests/test_export_argdown.py runs over the
# Argdown export, pinned by package-lock.json (Debian's npm, above).
npm ci --no-audit --no-fund --loglevel=error
