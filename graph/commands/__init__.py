"""CLI commands, one module per family; each module exports COMMANDS (see graph/cli.py)."""
