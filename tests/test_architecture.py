"""Layering rules of the package, read from the source: who may import whom."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tftransfer"


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


def _modules_imported(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        for module, names in _imports(path):
            yield path, module, names


def test_methods_import_nothing_from_data():
    offenders = [(p.name, m) for p, m, names in _modules_imported(PACKAGE / "methods")
                 if m.startswith("tftransfer.data") or (m == "tftransfer" and "data" in names)]
    assert offenders == []


def test_the_run_config_is_a_leaf():
    imported = {m for m, _ in _imports(PACKAGE / "config.py")}
    assert {m for m in imported if m.startswith("tftransfer")} <= {"tftransfer._checks"}


def test_keras_tuner_is_imported_only_by_the_tuning_package():
    offenders = [str(p.relative_to(PACKAGE)) for p, m, _ in _modules_imported(PACKAGE)
                 if m.split(".")[0] == "keras_tuner" and "tuning" not in p.parts]
    assert offenders == []


def test_no_private_keras_imports():
    offenders = [str(p.relative_to(PACKAGE)) for p, m, _ in _modules_imported(PACKAGE)
                 if m.startswith("keras.src")]
    assert offenders == []
