"""Errors every layer may raise and the CLI maps to exit codes (docs/architecture.md)."""


class ConfigError(Exception):
    """A setting or config file is missing, unreadable or invalid (exit code 2)."""
