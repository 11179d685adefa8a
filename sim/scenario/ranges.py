"""The ranges numbers of a scenario must lie in (for a distribution, its whole support)."""

from __future__ import annotations

import math

PROBABILITY = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)
HOSTILITY = (-10.0, 10.0)
