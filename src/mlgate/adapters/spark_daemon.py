"""pyspark's Python worker daemon, for the sessions mlgate starts itself (a local JVM,
``spark.python.daemon.module``): in local mode the workers write to the user's terminal,
and a job that fails leaves each worker it cancels printing a BrokenPipeError traceback
there. What a worker raises reaches the driver through its socket, not its stderr — so
stderr goes to /dev/null unless MLGATE_DEBUG=1. On a cluster the executors' own logs
keep it; sessions mlgate did not start keep pyspark's daemon."""

from __future__ import annotations

import os


def main() -> None:
    if not os.environ.get("MLGATE_DEBUG"):
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    from pyspark.daemon import manager

    manager()


if __name__ == "__main__":
    main()
