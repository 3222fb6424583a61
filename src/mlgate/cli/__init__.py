"""The ``mlgate`` command line: one module per command group.

Commands parse options, call one library function, and render the result. Heavy modules
are imported inside the commands so ``mlgate --help`` starts fast.
"""

from __future__ import annotations

import click

from mlgate import __version__
from mlgate.cli.canary import canary_group
from mlgate.cli.compare import compare_command
from mlgate.cli.config import config_group
from mlgate.cli.demo import demo_command
from mlgate.cli.deploy import deploy_command
from mlgate.cli.drift import drift_command, skew_command
from mlgate.cli.errors import MlgateGroup
from mlgate.cli.evaluate import evaluate_command
from mlgate.cli.gate import gate_command
from mlgate.cli.monitor import monitor_command
from mlgate.cli.plan import plan_command
from mlgate.cli.promote import history_command, promote_command, rollback_command
from mlgate.cli.publish import publish_command
from mlgate.cli.relay import relay_group
from mlgate.cli.report import report_command
from mlgate.cli.summary import summary_command
from mlgate.cli.test import test_command

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=MlgateGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="mlgate", message="%(prog)s %(version)s")
def cli() -> None:
    """Gate ML model promotion on evidence.

    mlgate compares a candidate model's metrics with the production model's, decides
    pass or fail against the rules in mlgate.yml, and writes verdict.json and a Markdown
    report for the pull/merge request.

    \b
    Exit codes:
      0  passed / done
      1  the gate rejected the candidate
      2  usage or input error (bad option, config or file)
      3  an outside service failed after retries, or refused a permission
      4  an internal error in mlgate (a bug; MLGATE_DEBUG=1 shows the traceback)
    130  interrupted (Ctrl-C)

    Every option can also be set with the MLGATE_* variable shown in its help.
    """


cli.add_command(compare_command)
cli.add_command(evaluate_command)
cli.add_command(demo_command)
cli.add_command(publish_command)
cli.add_command(gate_command)
cli.add_command(promote_command)
cli.add_command(rollback_command)
cli.add_command(history_command)
cli.add_command(deploy_command)
cli.add_command(report_command)
cli.add_command(config_group)
cli.add_command(test_command)
cli.add_command(drift_command)
cli.add_command(skew_command)
cli.add_command(monitor_command)
cli.add_command(relay_group)
cli.add_command(canary_group)
cli.add_command(plan_command)
cli.add_command(summary_command)


def main() -> None:
    cli.main(prog_name="mlgate")
