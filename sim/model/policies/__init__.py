"""Decision policies: one module per policy, all in one registry (:data:`POLICIES`).

Every module of this package is imported here, so a new policy is one new module whose class
is decorated with :func:`register`.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import Policy, counterpart, match_rung
from .registry import POLICIES, register

for _info in pkgutil.iter_modules(__path__):
    if _info.name not in ("base", "registry"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["POLICIES", "Policy", "counterpart", "match_rung", "register"]
