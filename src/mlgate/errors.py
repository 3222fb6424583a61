"""The exceptions mlgate raises, and the one place they become exit codes.

    MlgateError                  base; carries the exit code
    ├── UsageError          (2)  a bad option or combination of options
    ├── InputError          (2)  a file mlgate reads is missing, unreadable or malformed
    │   └── ConfigError     (2)  mlgate.yml does not validate
    └── ServiceError        (3)  an outside service failed after retries, or refused a
                                 permission (adapters/registry_errors.py: AccessDenied)

A rejected gate is not an exception: commands return a verdict and the CLI maps its
status to exit code 1 (``GATE_REJECTED``), so "the model regressed" is never confused
with "mlgate could not check".
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    GATE_REJECTED = 1
    USAGE = 2
    SERVICE = 3
    INTERNAL = 4
    INCONCLUSIVE = 5  # mlgate canary only: not decided yet (too little traffic, none)
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class MlgateError(Exception):
    """Base of every error mlgate reports to a user as one line."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(MlgateError):
    exit_code = ExitCode.USAGE


class InputError(MlgateError):
    """A file mlgate reads is wrong; the message starts with the file (and field)."""

    exit_code = ExitCode.USAGE

    @classmethod
    def at(cls, source: str, field: str | None, problem: str) -> InputError:
        where = f"{source}: {field}" if field else source
        return cls(f"{where}: {problem}")


class ConfigError(InputError):
    """mlgate.yml is invalid. Messages read ``FILE:LINE: key.path: problem``."""


class ServiceError(MlgateError):
    exit_code = ExitCode.SERVICE
