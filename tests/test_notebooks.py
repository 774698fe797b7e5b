"""The notebooks run top to bottom (`notebooks/*.ipynb`, executed with nbclient), and their
kernel is the Python running the tests (so the venv's tftransfer is the one imported)."""

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_tfhub_backbone.ipynb", "03_tuning.ipynb"]
TIMEOUT_S = 300  # per cell; each notebook takes about a minute on 2 cores


def _execute(nb):
    # "python3" is ipykernel's kernel; jupyter_client starts it with sys.executable, whatever
    # PATH says. cwd = notebooks/, as when a user opens them there.
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return nb


@pytest.mark.slow
def test_kernel_is_this_python():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sys, tftransfer; print(sys.executable); print(tftransfer.__file__)")])
    outputs = _execute(nb).cells[0].outputs[0]["text"].split()
    assert Path(outputs[0]).resolve() == Path(sys.executable).resolve()
    assert Path(outputs[1]).resolve().parent.parent == NOTEBOOKS.parent


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name):
    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    # Committed without outputs: no large blobs in git.
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        f"{name} has outputs committed; clear them (Kernel > Restart & Clear Output)")
    start = time.perf_counter()
    _execute(nb)
    seconds = time.perf_counter() - start
    print(f"{name}: {seconds:.1f} s")
    errors = [output for cell in nb.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors
