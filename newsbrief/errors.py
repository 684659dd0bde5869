"""Errors a person can act on: which exit status each kind of failure gets at the command line.

A `UsageError` is bad input from the person running newsbrief (an argument or a config setting): exit status 2,
as for any command-line tool. A `RunError` is a run that could not finish with good input (no source could be
read, the store is broken): exit status 1. Both carry a one-line message naming what is wrong and what is expected.
"""

from __future__ import annotations


class UsageError(ValueError):
    """An argument or setting that cannot be used; the message names it, its value and what is expected."""

    exit_code = 2


class ConfigError(UsageError):
    """A config file that cannot be read or holds a setting that cannot be used."""


class RunError(RuntimeError):
    """A run that failed although its arguments were good."""

    exit_code = 1
