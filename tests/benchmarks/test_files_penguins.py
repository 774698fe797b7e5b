"""benchmarks/files_penguins.py: the species files it writes read as a task (categories,
missing values), and its usage errors (the runs are the command line's, tested in tests/cli)."""

import numpy as np
import pandas as pd
import pytest

from helpers import benchmark_script
from tftransfer.data.files import load_task_from_files


def _script():
    return benchmark_script("files_penguins")


def _raw_export(n=36):
    """A stand-in for penguins-raw.csv: its columns, three species, some cells missing."""
    rng = np.random.default_rng(0)
    species = np.array(["Adelie Penguin (Pygoscelis adeliae)", "Chinstrap penguin (Pygoscelis "
                        "antarctica)", "Gentoo penguin (Pygoscelis papua)"])[np.arange(n) % 3]
    sex = np.array(["MALE", "FEMALE"])[(np.arange(n) // 3) % 2].astype(object)
    sex[5] = np.nan
    frame = pd.DataFrame({
        "studyName": np.array(["PAL0708", "PAL0809"])[np.arange(n) % 2],
        "Sample Number": np.arange(n), "Species": species, "Region": "Anvers",
        "Island": np.array(["Biscoe", "Dream", "Torgersen"])[(np.arange(n) // 2) % 3],
        "Stage": "Adult, 1 Egg Stage", "Individual ID": [f"N{i}A1" for i in range(n)],
        "Clutch Completion": np.array(["Yes", "No"])[np.arange(n) % 2],
        "Date Egg": [f"2007-11-{i % 28 + 1:02d}" for i in range(n)],
        "Culmen Length (mm)": rng.normal(44, 5, n), "Body Mass (g)": rng.normal(4200, 800, n),
        "Sex": sex, "Delta 15 N (o/oo)": rng.normal(8.7, 0.5, n), "Comments": None,
    })
    frame.loc[[2, 7], "Delta 15 N (o/oo)"] = np.nan
    return frame


def test_species_files_read_as_a_task_with_categories_and_missing_values(tmp_path, monkeypatch):
    script = _script()
    monkeypatch.setattr(script, "raw_export", _raw_export)
    paths = script.write_species(tmp_path)
    assert sorted(paths) == ["Adelie", "Chinstrap", "Gentoo"]
    adelie = pd.read_csv(paths["Adelie"])
    assert not set(script.DROPPED) & set(adelie.columns) and "Species" not in adelie.columns
    assert set(adelie["Sex"]) == {"MALE", "FEMALE"}  # the bird of unknown sex is left out
    with pytest.raises(ValueError, match=r"1 NaN .*'Delta 15 N \(o/oo\)'"):
        load_task_from_files(paths["Adelie"], paths["Gentoo"], label_column="Sex")
    task = load_task_from_files(paths["Adelie"], paths["Gentoo"], label_column="Sex",
                                missing="mean")
    assert task.class_names == ("FEMALE", "MALE")
    # 3 numbers, studyName 2 + Region 1 + Island 3 + Stage 1 + Clutch Completion 2 columns
    assert task.source_train.x.shape[1] == 12 and np.isfinite(task.target_test.x).all()


@pytest.mark.parametrize("argv, fragment", [
    (["--tasks", "Adelie->Emperor"], "unknown task(s) ['Adelie->Emperor']; valid: Adelie->Chinstrap"),
    (["--seeds", "0"], "--seeds must be >= 1"),
])
def test_unknown_names_are_usage_errors(argv, fragment, capsys):
    with pytest.raises(SystemExit) as stop:
        _script().main(argv)
    assert stop.value.code == 2
    assert fragment in capsys.readouterr().err
