#!/usr/bin/env bash
# Lint the maps' JavaScript with ESLint (pinned by package-lock.json): each module of
# graph/render/assets/map/, the reading view's script, and the map script as the pages carry it
# (the modules assembled by graph.render.page). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/eslint ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
ESLINT=node_modules/.bin/eslint
"$ESLINT" --max-warnings 0 eslint.config.js graph/render/assets/map/ graph/render/assets/reading.js
PYTHON="${PYTHON:-python}"
"$PYTHON" -c 'from graph.render.page import map_script; print(map_script(), end="")' \
  | "$ESLINT" --max-warnings 0 --stdin --stdin-filename map.bundle.js
echo "ESLint: no findings"
