"""Analysis of results: estimands with intervals, figures and the after-action report.

``estimands`` (summaries, Wilson intervals, paired contrasts), ``plots`` (one function per
figure, each returning a matplotlib ``Figure``), ``stories`` (single runs told from the event
log) and ``report`` (one self-contained HTML or Markdown file). Modules are imported on use, so
that importing ``sim.analysis`` does not pay for matplotlib.
"""
