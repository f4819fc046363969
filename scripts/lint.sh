#!/usr/bin/env bash
# Static checks, run by the README's test command before pytest: ruff (style and errors), mypy (types of the
# package, configured in pyproject.toml) and ESLint on the maps' JavaScript (scripts/lint-js.sh installs it
# from npm). Exit non-zero on the first tool that finds something.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "ruff: graph tests scripts ontology"
ruff check graph tests scripts ontology
echo "mypy: graph"
mypy
if [ -f scripts/lint-js.sh ]; then
  bash scripts/lint-js.sh
fi
