"""Starts N worker processes on 127.0.0.1 with one TF_CONFIG each, bounded in time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def free_ports(n: int) -> list[int]:
    """`n` distinct ports free on 127.0.0.1 now (all held open while picking)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports: list[int], index: int) -> str:
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                       "task": {"type": "worker", "index": index}})


def _env(tf_config_value: str | None) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT),
               CUDA_VISIBLE_DEVICES="")  # CPU only, as the single-process reference
    env.pop("TF_CONFIG", None)
    if tf_config_value is not None:
        env["TF_CONFIG"] = tf_config_value
    return env


def run_processes(args_per_process: list[list[str]], tf_configs: list[str | None], timeout: float,
                  log_dir: Path) -> list[tuple[int, str]]:
    """Runs `python worker.py ARGS` once per entry, in parallel; returns (returncode, log) each.

    Every process gets its own session, so a hung one is killed with its children by its
    own process-group id once `timeout` seconds have passed; nothing outlives this call.
    """
    procs, logs = [], []
    try:
        for i, (args, config) in enumerate(zip(args_per_process, tf_configs)):
            log = open(log_dir / f"process{i}.log", "w")
            logs.append(log)
            procs.append(subprocess.Popen([sys.executable, str(HERE / "worker.py"), *args],
                                          env=_env(config), cwd=ROOT, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + timeout
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                break
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for log in logs:
            log.close()
    return [(proc.returncode, (log_dir / f"process{i}.log").read_text())
            for i, proc in enumerate(procs)]
