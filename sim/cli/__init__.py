"""``wargame``: the command line, a thin face over the Python API.

Exit status: 0 done; 2 bad input; 130 interrupted; 1 a bug (the only case with a traceback).
"""

from __future__ import annotations

import sys

from .app import BadInput, app

# Each module registers its commands on ``app``; keep their top-level imports light.
from . import validate as _validate  # noqa: E402,F401  isort: skip


def main() -> None:
    """Entry point of the ``wargame`` console script."""
    from sim.scenario.errors import ScenarioError

    try:
        app(standalone_mode=False)
    except (BadInput, ScenarioError) as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted: what finished is kept", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # Click's usage errors carry their own exit status
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            print("interrupted: what finished is kept", file=sys.stderr)
            sys.exit(130)
        raise


__all__ = ["app", "main"]
