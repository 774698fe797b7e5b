"""KerasTuner's chief/worker roles from the environment, and per-search oracle ports.

KerasTuner runs one search over several processes when `KERASTUNER_TUNER_ID`,
`KERASTUNER_ORACLE_IP` and `KERASTUNER_ORACLE_PORT` are set (it reads them itself); this module
checks them with clear errors and tells a process its role. No TensorFlow here: the launcher
(`tftransfer.tuning.cluster`) uses it too.
"""

from __future__ import annotations

import contextlib
import os

# KerasTuner's own chief/worker tuning (keras_tuner reads these variables itself).
TUNER_ID_VAR = "KERASTUNER_TUNER_ID"
ORACLE_IP_VAR = "KERASTUNER_ORACLE_IP"
ORACLE_PORT_VAR = "KERASTUNER_ORACLE_PORT"
TUNING_VARS = (TUNER_ID_VAR, ORACLE_IP_VAR, ORACLE_PORT_VAR)
# Ours, optional, read by the chief: the worker IDs it waits for before ending a search.
TUNING_WORKERS_VAR = "TFTRANSFER_TUNING_WORKERS"


def tuning_role(environ=None) -> str | None:
    """This process's part in a distributed KerasTuner search: "chief", "worker" or None.

    KerasTuner runs a search over several processes when `KERASTUNER_TUNER_ID`,
    `KERASTUNER_ORACLE_IP` and `KERASTUNER_ORACLE_PORT` are set: the process whose ID is
    "chief" serves the oracle on IP:PORT and trains nothing; every other ID ("tuner0",
    "tuner1", ...) is a worker that asks the oracle for trials and trains them. Workers
    need distinct IDs: two workers with the same ID are handed the same trial.

    Args:
        environ: The environment to read (default: `os.environ`).

    Returns:
        "chief", "worker", or None when none of the three variables is set.

    Raises:
        ValueError: some but not all of the variables are set, the port is not an integer
            in 1..65535, or the ID is empty, not a plain name, or a worker ID containing
            "chief" (KerasTuner treats any ID containing "chief" as the chief).
    """
    env = os.environ if environ is None else environ
    values = {name: env.get(name) for name in TUNING_VARS}
    present = [name for name, value in values.items() if value is not None]
    if not present:
        return None
    if len(present) < len(TUNING_VARS):
        missing = [name for name in TUNING_VARS if name not in present]
        got = ", ".join(f"{name}={values[name]!r}" for name in present)
        raise ValueError(f"distributed tuning needs all of {', '.join(TUNING_VARS)}; got {got} "
                         f"but not {', '.join(missing)}. Set all three, or none to tune in "
                         "one process")
    tuner_id, ip, port = (values[name].strip() for name in TUNING_VARS)
    expected_tuning_workers(env)  # a bad list is an error on every process, not only the chief
    if not ip:
        raise ValueError(f"{ORACLE_IP_VAR} must be the chief's address (e.g. 127.0.0.1), got ''")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"{ORACLE_PORT_VAR} must be an integer port in 1..65535, got {port!r}")
    if tuner_id == "chief":
        return "chief"
    if not _worker_name(tuner_id):
        raise ValueError(f"{TUNER_ID_VAR} must be 'chief' or a worker name of letters, digits, "
                         f"'_', '.', '-' without 'chief' (e.g. tuner0, tuner1), got {tuner_id!r}")
    return "worker"


def _worker_name(name: str) -> bool:
    # Used as a file name (<id>.json); KerasTuner takes any ID containing "chief" as the chief.
    return bool(name) and all(c.isalnum() or c in "_.-" for c in name) and "chief" not in name


def expected_tuning_workers(environ=None) -> list:
    """The worker IDs in `TFTRANSFER_TUNING_WORKERS` ("tuner0,tuner1"); [] when unset.

    KerasTuner's chief ends a search once every worker it has heard from has been told the
    search is over, so a worker that connects later finds no oracle (its request fails, or
    waits for KerasTuner's 60-minute client timeout). With this list the chief also waits
    for every named worker. `python -m tftransfer.tuning.cluster` sets it.

    Raises:
        ValueError: an entry is not a worker name (see `tuning_role`), or a name repeats.
    """
    env = os.environ if environ is None else environ
    raw = env.get(TUNING_WORKERS_VAR, "").strip()
    names = [name.strip() for name in raw.split(",")] if raw else []
    bad = [name for name in names if not _worker_name(name)]
    if bad or len(set(names)) != len(names):
        raise ValueError(f"{TUNING_WORKERS_VAR} must be distinct comma-separated worker IDs "
                         f"(e.g. tuner0,tuner1; not 'chief'), got {raw!r}")
    return names


@contextlib.contextmanager
def oracle_port(offset: int):
    """Runs a distributed search on `KERASTUNER_ORACLE_PORT + offset` (no-op outside one).

    For a process that runs several searches one after the other: a worker done with search
    k would otherwise ask the chief's oracle of search k, still serving the other workers,
    for search k+1's trials, be told the search is over, and skip it. Give search k the
    offset k on every process.

    Args:
        offset: Added to the port; an int >= 0.
    """
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"oracle_port offset must be an int >= 0, got {offset!r}")
    if tuning_role() is None or offset == 0:
        yield
        return
    name = ORACLE_PORT_VAR
    base = os.environ[name]
    if int(base) + offset > 65535:
        raise ValueError(f"{name}={base} + search offset {offset} is above 65535")
    os.environ[name] = str(int(base) + offset)
    try:
        yield
    finally:
        os.environ[name] = base
