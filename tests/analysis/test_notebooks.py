"""The notebooks are committed clean and keep their shape: a RUNS knob, text between cells.

They are executed by ``pytest --nbmake notebooks/``; this test checks what nbmake does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_the_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == [
        "01_seoul_arms_ukraine.ipynb",
        "02_weapons_or_restraint.ipynb",
        "03_what_drives_the_risk.ipynb",
        "04_classic_models.ipynb",
        "05_mechanisms.ipynb",
        "06_calibration.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_tells_a_story(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), (
        f"{path.name} has outputs: clear them before committing"
    )
    assert re.search(r"^RUNS = \d+", code[0].source, re.M), "RUNS = ... in the first code cell"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    # text between the cells: no two code cells in a row more than twice
    kinds = "".join("c" if c.cell_type == "code" else "m" for c in nb.cells)
    assert "ccc" not in kinds, f"{path.name}: three code cells in a row, say what they show"
    assert '"../scenarios"' in code[0].source or 'Path("..") / "scenarios"' in code[0].source


def test_a_kernel_that_imports_the_model_prints_no_warning():
    """Mesa imports ``tqdm.auto``; in a kernel without ipywidgets that prints "TqdmWarning:
    IProgress not found" in every notebook (the ``notebooks`` and ``dev`` extras install it)."""
    from nbclient import NotebookClient

    cell = nbformat.v4.new_code_cell("import mesa\nimport sim.model\nimport sim.analysis.plots")
    nb = nbformat.v4.new_notebook(cells=[cell])
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    printed = [o.get("text", "") for o in cell.outputs if o.output_type == "stream"]
    assert not printed, printed
