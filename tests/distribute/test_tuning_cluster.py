"""Distributed KerasTuner search: a chief serving the oracle and 2 workers on 127.0.0.1.

The slow test drives the whole `--tune` flow of an experiment module (`tune_experiment.py`,
dann on moons) through `python -m tftransfer.tuning.cluster`: 4 trials, each trained once by
one worker; the chief alone writes trials.csv and trains the selected configuration. The
fast tests cover the KERASTUNER_* parsing and the launcher's process handling (no TF).
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tftransfer import tuning
from tftransfer.tuning import roles
from tftransfer.config import RunConfig
from tftransfer.tuning.cluster import launch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ALL = {"KERASTUNER_TUNER_ID": "tuner0", "KERASTUNER_ORACLE_IP": "127.0.0.1",
       "KERASTUNER_ORACLE_PORT": "8000"}


# --- KERASTUNER_* variables -------------------------------------------------------------

def test_tuning_role_from_the_variables():
    assert roles.tuning_role({}) is None
    assert roles.tuning_role(ALL) == "worker"
    assert roles.tuning_role({**ALL, "KERASTUNER_TUNER_ID": "chief"}) == "chief"
    assert roles.tuning_role({**ALL, "KERASTUNER_TUNER_ID": "gpu-box.3"}) == "worker"


@pytest.mark.parametrize("missing", sorted(ALL))
def test_half_set_variables_name_what_is_set_and_what_is_missing(missing):
    env = {k: v for k, v in ALL.items() if k != missing}
    with pytest.raises(ValueError, match=rf"needs all of .*but not {missing}\. Set all three"):
        roles.tuning_role(env)
    only_id = {"KERASTUNER_TUNER_ID": "chief"}
    with pytest.raises(ValueError, match="got KERASTUNER_TUNER_ID='chief' but not "
                                         "KERASTUNER_ORACLE_IP, KERASTUNER_ORACLE_PORT"):
        roles.tuning_role(only_id)


@pytest.mark.parametrize("name, value, message", [
    ("KERASTUNER_ORACLE_PORT", "80a", r"integer port in 1..65535, got '80a'"),
    ("KERASTUNER_ORACLE_PORT", "70000", r"integer port in 1..65535, got '70000'"),
    ("KERASTUNER_ORACLE_IP", " ", r"chief's address"),
    ("KERASTUNER_TUNER_ID", "", r"'chief' or a worker name.*got ''"),
    ("KERASTUNER_TUNER_ID", "my/tuner", r"got 'my/tuner'"),
    ("KERASTUNER_TUNER_ID", "tuner_chief2", r"without 'chief'.*got 'tuner_chief2'"),
])
def test_bad_values_are_rejected_with_what_was_received(name, value, message):
    with pytest.raises(ValueError, match=message):
        roles.tuning_role({**ALL, name: value})


def test_expected_workers_list():
    assert roles.expected_tuning_workers({}) == []
    assert roles.expected_tuning_workers(
        {"TFTRANSFER_TUNING_WORKERS": "tuner0, tuner1"}) == ["tuner0", "tuner1"]
    for bad in ("tuner0,tuner0", "tuner0,,tuner1", "chief,tuner0"):
        with pytest.raises(ValueError, match=f"distinct comma-separated worker IDs.*got '{bad}'"):
            roles.expected_tuning_workers({"TFTRANSFER_TUNING_WORKERS": bad})
    with pytest.raises(ValueError, match="TFTRANSFER_TUNING_WORKERS"):  # on every process
        roles.tuning_role({**ALL, "TFTRANSFER_TUNING_WORKERS": "tuner0,tuner0"})


def test_oracle_port_offsets_the_port_and_restores_it(monkeypatch):
    for name in ALL:
        monkeypatch.delenv(name, raising=False)
    with tuning.oracle_port(3):  # not distributed: nothing to change
        assert "KERASTUNER_ORACLE_PORT" not in os.environ
    for name, value in ALL.items():
        monkeypatch.setenv(name, value)
    with tuning.oracle_port(3):
        assert os.environ["KERASTUNER_ORACLE_PORT"] == "8003"
    assert os.environ["KERASTUNER_ORACLE_PORT"] == "8000"
    with pytest.raises(ValueError, match="offset must be an int >= 0, got -1"):
        with tuning.oracle_port(-1):
            pass


def test_distributed_search_refuses_overwrite_and_experiments_refuse_no_tune(monkeypatch, tmp_path):
    for name, value in ALL.items():
        monkeypatch.setenv(name, value)
    base = RunConfig(experiment="t", task="moons->moons_rotated", method="dann")
    with pytest.raises(ValueError, match="overwrite=True is not supported in a distributed"):
        tuning.tune(base, objective="dev", directory=tmp_path, overwrite=True)
    sys.path.insert(0, str(HERE))
    try:
        import tune_experiment
    finally:
        sys.path.remove(str(HERE))
    with pytest.raises(SystemExit, match="this process is the worker.*but --tune is not"):
        tune_experiment.main(["--out", str(tmp_path / "out")])
    monkeypatch.delenv("KERASTUNER_ORACLE_IP")
    with pytest.raises(SystemExit, match="error: distributed tuning needs all of"):
        tune_experiment.main(["--tune", "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


# --- the launcher (plain Python children, no TF) ------------------------------------------

def _child(code: str) -> list:
    return [sys.executable, "-c", "import os, sys, time\n" + code]


@pytest.mark.timeout(30)
def test_launcher_gives_each_process_its_id_and_the_same_oracle(tmp_path):
    code = _child(f"open(os.path.join({str(tmp_path)!r}, os.environ['KERASTUNER_TUNER_ID']), 'w')"
                  ".write(os.environ['KERASTUNER_ORACLE_IP'] + ':' + os.environ['KERASTUNER_ORACLE_PORT']"
                  " + ' ' + os.environ['TFTRANSFER_TUNING_WORKERS'])")
    assert launch(code, 3, timeout=20, log_dir=tmp_path / "logs") == 0
    seen = {p.name: p.read_text() for p in tmp_path.iterdir() if p.is_file()}
    assert sorted(seen) == ["chief", "tuner0", "tuner1", "tuner2"]
    assert len(set(seen.values())) == 1
    address, workers = next(iter(seen.values())).split()
    assert address.startswith("127.0.0.1:") and workers == "tuner0,tuner1,tuner2"
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == [
        "chief.log", "tuner0.log", "tuner1.log", "tuner2.log"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(60)
def test_launcher_stops_everyone_when_a_process_fails_or_time_runs_out(tmp_path):
    # Each writes its pid; tuner1 fails, the others would sleep for a minute.
    code = _child(f"open(os.path.join({str(tmp_path)!r}, os.environ['KERASTUNER_TUNER_ID']), 'w')"
                  ".write(str(os.getpid()))\n"
                  "time.sleep(1)\n"  # every pid file is written before tuner1 fails
                  "sys.exit(3) if os.environ['KERASTUNER_TUNER_ID'] == 'tuner1' else time.sleep(60)")
    start = time.monotonic()
    assert launch(code, 2, timeout=40) == 3
    assert time.monotonic() - start < 20
    pids = [int((tmp_path / name).read_text()) for name in ("chief", "tuner0", "tuner1")]
    assert not any(_alive(pid) for pid in pids)

    sleeper = _child("time.sleep(60)")
    start = time.monotonic()
    assert launch(sleeper, 1, timeout=2) == 124
    assert time.monotonic() - start < 15


@pytest.mark.timeout(30)
def test_launcher_stops_workers_left_waiting_after_the_chief_succeeded():
    code = _child("time.sleep(60) if os.environ['KERASTUNER_TUNER_ID'] != 'chief' else None")
    start = time.monotonic()
    assert launch(code, 2, timeout=25, grace=1) == 0
    assert time.monotonic() - start < 15


# --- the distributed search --------------------------------------------------------------

def _cluster(tmp_path, out, logs, timeout=170):
    """The launcher running `tune_experiment.py --tune` (4 trials, 1 seed); (returncode, output)."""
    command = [sys.executable, "-m", "tftransfer.tuning.cluster", "--workers", "2",
               "--timeout", str(timeout), "--log-dir", str(logs), "--",
               sys.executable, str(HERE / "tune_experiment.py"), "--tune", "--max-trials", "4",
               "--objective", "source_val", "--seeds", "1", "--out", str(out)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT), CUDA_VISIBLE_DEVICES="")
    for name in ALL:
        env.pop(name, None)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout + 15)
    finally:
        if proc.poll() is None:  # SIGTERM first: the launcher then stops its own children
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return proc.returncode, output


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_chief_and_two_workers_run_each_trial_once_and_the_chief_reports(tmp_path):
    out = tmp_path / "out"
    code, output = _cluster(tmp_path, out, tmp_path / "logs", timeout=150)
    assert code == 0, output[-4000:]
    logs = {name: (tmp_path / "logs" / f"{name}.log").read_text()
            for name in ("chief", "tuner0", "tuner1")}

    # The oracle's view (the chief's trials.csv): 4 distinct trials, each COMPLETED once.
    trials_csv = (out / "trials.csv").read_text()
    trials = list(csv.DictReader(trials_csv.splitlines()))
    assert sorted(t["trial_id"] for t in trials) == ["0", "1", "2", "3"]
    assert all(t["status"] == "COMPLETED" for t in trials), trials
    # The workers' view (their tuner states): together exactly those 4, none twice, the
    # chief none; trained_by in trials.csv says the same.
    project = next((out / "tuning").iterdir())

    def trained():
        return {name: json.loads((project / f"{name}.json").read_text())["trained_trials"]
                for name in ("chief", "tuner0", "tuner1")}

    first = trained()
    assert first["chief"] == []
    assert sorted(first["tuner0"] + first["tuner1"]) == ["0", "1", "2", "3"]
    assert {t["trial_id"]: t["trained_by"] for t in trials} == {
        trial: name for name in ("tuner0", "tuner1") for trial in first[name]}
    print("trials per worker:", first)

    # Written once, by the chief: trials.csv, then the selected configuration's seed run.
    best = max(trials, key=lambda t: (float(t["source_val"]), -int(t["trial_id"])))
    assert "selected {" in logs["chief"] and "results in" in logs["chief"]
    for name in ("tuner0", "tuner1"):
        assert "tuning worker done" in logs[name] and "selected {" not in logs[name]
    with open(out / "results.csv") as f:
        results = list(csv.DictReader(f))
    assert len(results) == 1 and results[0]["method"] == "dann"
    assert (out / "summary.md").exists()
    run_config = json.loads((out / "runs" / results[0]["run_id"] / "config.json").read_text())
    selected = json.loads(best["hyperparameters"])
    assert run_config["recipe"]["learning_rate"] == pytest.approx(selected.pop("learning_rate"))
    assert run_config["method_options"] == pytest.approx(selected)

    # A relaunch resumes: no trial is trained again (KerasTuner alone reran each worker's
    # last trial, see tuning.tune), the same trials and selection.
    code, output = _cluster(tmp_path, out, tmp_path / "logs2", timeout=60)
    assert code == 0, output[-4000:]
    assert trained() == first
    assert (out / "trials.csv").read_text() == trials_csv
