"""``wargame``: the command line, a thin face over the Python API.

Exit status: 0 done; 2 bad input (a scenario, an argument); 130 interrupted; 1 a bug (the only
case with a traceback).
"""

from __future__ import annotations

import sys

from .app import BadInput, app, scenario_warnings_to_stderr

# Each module registers its commands on ``app``; keep their top-level imports light.
from . import validate as _validate  # noqa: F401  isort: skip
from . import figures as _figures  # noqa: F401  isort: skip
from . import run as _run  # noqa: F401  isort: skip
from . import experiments as _experiments  # noqa: F401  isort: skip
from . import explain as _explain  # noqa: F401  isort: skip
from . import backtest as _backtest  # noqa: F401  isort: skip
from . import calibrate as _calibrate  # noqa: F401  isort: skip
from . import sweep as _sweep  # noqa: F401  isort: skip
from . import discover as _discover  # noqa: F401  isort: skip
from . import library as _library  # noqa: F401  isort: skip

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``wargame`` console script; always ends with ``sys.exit``.

    Typer runs with ``standalone_mode=False`` so that errors reach us instead of being printed
    and turned into exit codes by Click: we give every kind of bad input the same status (2)
    and print a scenario's problems one per line. In that mode Click returns the status of
    ``--help`` and ``typer.Exit`` (and Typer turns Ctrl-C into ``Exit(130)``) instead of
    exiting.
    """
    import typer

    from sim.scenario.errors import ScenarioError

    try:
        with scenario_warnings_to_stderr():
            rv = app(args=argv, prog_name="wargame", standalone_mode=False)
    except (BadInput, ScenarioError) as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except (KeyboardInterrupt, typer.Abort):
        print("interrupted: what finished is kept", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except typer.TyperException as exc:  # Click's usage errors (Typer vendors Click)
        if type(exc).__name__ != "NoArgsIsHelpError":  # whose help is already printed
            from typer import rich_utils

            rich_utils.rich_format_error(exc)  # type: ignore[arg-type]
        sys.exit(EXIT_BAD_INPUT)
    if rv == EXIT_INTERRUPTED:
        print("interrupted: what finished is kept", file=sys.stderr)
    sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)


__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "BadInput", "app", "main"]
