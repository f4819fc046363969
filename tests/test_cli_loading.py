"""Each command imports only its own module: a command in a module of another name is mapped to it."""

from __future__ import annotations

import click

from graph.cli import CommandModules, cli


def test_every_command_resolves_by_importing_its_own_module_alone():
    names = cli.list_commands(click.Context(cli))
    assert {"build", "query", "stats", "pathways", "push"} <= set(names)
    for name in names:
        group = CommandModules(name="probe")
        loaded: list[str] = []
        original = group._load

        def spy(module: str, _original=original, _loaded=loaded) -> None:
            _loaded.append(module)
            _original(module)

        group._load = spy  # type: ignore[method-assign]
        assert group.get_command(click.Context(group), name) is not None, name
        assert len(loaded) == 1, f"{name} imported {loaded}: add it to graph.cli._MODULE_OF"
