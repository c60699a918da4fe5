"""Run the vendorcheck group in-process against a test application."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from vendorcheck.cli import group


class CommandRunner(FlaskCliRunner):
    """``invoke(args=[...])`` runs the ``vendorcheck`` group with this test app."""

    def invoke(self, cli=None, args=None, **kwargs):
        return super().invoke(cli or group, args, **kwargs)


def command_runner(app: Flask) -> CommandRunner:
    return CommandRunner(app)
