"""Runs one command as a KerasTuner chief and N workers on this machine (loopback).

    python -m tftransfer.tuning.cluster --workers 2 -- \\
        python -m experiments.digits_shift --tune --tasks original->rotated --methods dann \\
        --max-trials 8 --seeds 1

Every process gets `KERASTUNER_TUNER_ID` ("chief", "tuner0", "tuner1", ...),
`KERASTUNER_ORACLE_IP` (`--host`) and `KERASTUNER_ORACLE_PORT` (a free port, or `--port`),
which KerasTuner reads itself (see `tftransfer.tuning.roles.tuning_role`), and
`TFTRANSFER_TUNING_WORKERS`, the worker IDs the chief waits for before it ends a search. The
chief serves the oracle and the workers train the trials; with an experiment module's
`--tune` the workers exit after the searches and the chief goes on to the seeds and the
tables (`experiments/tuned.py`). Output lines are prefixed with the process's ID.

The launcher returns 0 when every process did, else the first failure's exit code (124 when
`--timeout` passed, 130 on Ctrl-C); on any failure it kills every process group it started.
Workers still running once the chief has finished successfully have nothing left to do
(should one wait for an oracle that is gone): they are stopped after `--grace` seconds, which
is not a failure.

Only the standard library: no TensorFlow in the launcher itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional, Sequence

DEFAULT_PORT_SPAN = 16


def free_port_range(host: str = "127.0.0.1", span: int = DEFAULT_PORT_SPAN, tries: int = 50) -> int:
    """A port P such that P .. P+span-1 are all free on `host` now.

    An experiment runs its searches (one per task × method) on ports P, P+1, ...
    (`tftransfer.tuning.oracle_port`), hence a range.
    """
    for _ in range(tries):
        with socket.socket() as probe:
            probe.bind((host, 0))
            base = probe.getsockname()[1]
        if base + span - 1 > 65535:
            continue
        held = []
        try:
            for port in range(base, base + span):
                s = socket.socket()
                held.append(s)
                s.bind((host, port))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"found no {span} consecutive free ports on {host} in {tries} tries; "
                       "pass --port")


def _kill(proc: subprocess.Popen, wait: float = 5.0) -> None:
    """SIGTERM to the process's group, SIGKILL after `wait` seconds."""
    if proc.poll() is not None:
        return
    for sig, delay in ((signal.SIGTERM, wait), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=delay)
            return
        except subprocess.TimeoutExpired:
            continue


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the launcher dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the launcher's own cleanup still runs on errors, Ctrl-C and SIGTERM


def _relay(name: str, stream, lock: threading.Lock, log_file) -> None:
    for line in iter(stream.readline, ""):
        with lock:
            sys.stdout.write(f"[{name}] {line}")
            sys.stdout.flush()
            if log_file is not None:
                log_file.write(line)
                log_file.flush()
    stream.close()


def launch(command: Sequence[str], workers: int = 2, *, host: str = "127.0.0.1",
           port: Optional[int] = None, timeout: Optional[float] = None, grace: float = 30.0,
           log_dir=None, port_span: int = DEFAULT_PORT_SPAN) -> int:
    """Runs `command` as the chief and `workers` workers; returns an exit code.

    Args:
        command: The command every process runs (argv list).
        workers: Number of worker processes (>= 1), IDs tuner0 .. tuner{workers-1}.
        host: The chief's address (the oracle listens there).
        port: The first oracle port; default: a free range of `port_span` ports.
        timeout: Seconds before everything is killed (None: no limit).
        grace: Seconds workers may keep running once the chief has finished successfully.
        log_dir: Folder for `<ID>.log` copies of each process's output (optional).
        port_span: Ports checked free when `port` is None (searches per launch).

    Returns:
        0 if every process succeeded, else the first failing process's exit code, 124 on
        timeout, 130 on Ctrl-C.
    """
    if not command:
        raise ValueError("no command given: put it after '--'")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an int >= 1, got {workers!r}")
    if port is None:
        port = free_port_range(host, port_span)
    elif not 1 <= port <= 65535:
        raise ValueError(f"port must be in 1..65535, got {port!r}")
    log_dir = Path(log_dir) if log_dir is not None else None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
    names = ["chief"] + [f"tuner{i}" for i in range(workers)]
    print(f"tuning cluster: oracle on {host}:{port}, {workers} workers: {' '.join(command)}",
          flush=True)
    lock = threading.Lock()
    procs, threads, logs = {}, [], []
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        for name in names:  # every process first: no thread may run during a fork (preexec_fn)
            env = dict(os.environ, KERASTUNER_TUNER_ID=name, KERASTUNER_ORACLE_IP=host,
                       KERASTUNER_ORACLE_PORT=str(port), PYTHONUNBUFFERED="1",
                       # The chief waits for every worker (see distribute.expected_tuning_workers).
                       TFTRANSFER_TUNING_WORKERS=",".join(names[1:]))
            # Several TensorFlow processes on one GPU: each must not grab all its memory.
            env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
            log = open(log_dir / f"{name}.log", "w") if log_dir is not None else None
            logs.append(log)
            # Own session: the whole process group (the command's children too) is killed.
            procs[name] = subprocess.Popen(
                list(command), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, start_new_session=True, preexec_fn=_die_with_parent)
        for (name, proc), log in zip(procs.items(), logs):
            thread = threading.Thread(target=_relay, args=(name, proc.stdout, lock, log),
                                      daemon=True)
            thread.start()
            threads.append(thread)
        chief_done_at = None
        while True:
            codes = {name: proc.poll() for name, proc in procs.items()}
            failed = [name for name, code in codes.items() if code not in (None, 0)]
            if failed:
                name = failed[0]
                print(f"tuning cluster: {name} exited with {codes[name]}; stopping the others",
                      flush=True)
                return codes[name]
            if all(code == 0 for code in codes.values()):
                return 0
            if codes["chief"] == 0:
                chief_done_at = chief_done_at or time.monotonic()
                if time.monotonic() - chief_done_at > grace:
                    left = [name for name, code in codes.items() if code is None]
                    print(f"tuning cluster: the chief finished; stopping {', '.join(left)} "
                          f"(still running {grace:.0f}s later)", flush=True)
                    return 0
            if deadline is not None and time.monotonic() > deadline:
                print(f"tuning cluster: timeout after {timeout:.0f}s; stopping every process",
                      flush=True)
                return 124
            time.sleep(0.2)
    except KeyboardInterrupt:
        print("tuning cluster: interrupted; stopping every process", flush=True)
        return 130
    finally:
        for proc in procs.values():
            _kill(proc)
        for thread in threads:
            thread.join(timeout=5)
        for log in logs:
            if log is not None:
                log.close()


def _terminated(signum, frame):
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run COMMAND as a KerasTuner chief and N workers on this machine.",
        usage="python -m tftransfer.tuning.cluster [options] -- COMMAND [ARGS...]")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--host", default="127.0.0.1", help="oracle address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"first oracle port (default: {DEFAULT_PORT_SPAN} free ports)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds before killing all")
    parser.add_argument("--grace", type=float, default=30.0,
                        help="seconds workers may run on after the chief succeeded (default 30)")
    parser.add_argument("--log-dir", default=None, help="also write each process's output here")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after '--'")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    # SIGTERM (a scheduler, a test's timeout) unwinds through launch()'s cleanup like Ctrl-C.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        return launch(command, args.workers, host=args.host, port=args.port,
                      timeout=args.timeout, grace=args.grace, log_dir=args.log_dir)
    except (ValueError, RuntimeError) as error:
        parser.error(str(error))


if __name__ == "__main__":
    sys.exit(main())
