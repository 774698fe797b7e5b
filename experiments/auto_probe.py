"""Would other honest rules let `auto` find MEDA? Calibrated entropy and EnsV, replayed.

    python -m experiments.auto_probe [--seed 0] [--jobs 2] [--out results/auto_probe]

auto's rule until 2026-12-04 (entropy / drop 5 over all candidates at once) stayed 5-7 points
under the best method on digits and Office-Caltech, where MEDA wins: MCC minimises the target
entropy by design. (The default now compares entropy within the deep and the classical
candidates and the two picks by source validation accuracy, `auto.Rule.across_families`.)
This probe trains every auto candidate with its defaults on the defaults report's tasks
(`experiments.defaults_report.REPORT_TASKS`, one seed), keeps each candidate's logits on the
source validation split and the target, and replays rules that need more than the stored
scores:

- `entropy / drop 5`: that previous default (a candidate passes if its target entropy is below
  source_only's and it loses at most 5 points of source validation accuracy; the lowest
  entropy wins).
- `calibrated entropy / drop 5`: the same, every deep candidate's logits first divided by the
  temperature fitted on its source validation split (`tftransfer.shallow.calibration`, as
  the classical candidates' scores already are).
- `EnsV`: Hu, Luo, Liang & Foo, "Towards Reliable Model Selection for Unsupervised Domain
  Adaptation: An Empirical Study and A Certified Baseline", NeurIPS 2024 Datasets and
  Benchmarks: the ensemble of all candidates (mean of their calibrated softmax outputs on the
  target) is the role model; the candidate whose target predictions agree most with the
  ensemble's wins: argmax_m (1/n) Σ_j 1[argmax p_m(x_j) = argmax p̄(x_j)].
- `EnsV / drop 5`: EnsV among the candidates that pass the source validation guard.

Beside them: each candidate alone, the calibrated ensemble itself (not a pick: a combination
of all candidates), and the ORACLE pick per task (reads target labels). Target labels only
score the replays. The logits go to OUT/logits/ (one .npz per task × candidate; a relaunch
skips those present).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
from scipy.special import log_softmax, softmax

from experiments.defaults_report import REPORT_TASKS, benchmark_configs
from tftransfer import auto
from tftransfer.data.loaders import default_data_dir
from tftransfer.io import write_text_atomic
from tftransfer.shallow.calibration import fit_temperature

BASELINE = auto.BASELINE
MAX_SOURCE_DROP = 0.05


def _file(out: Path, benchmark: str, task: str, method: str) -> Path:
    safe = task.replace("->", "_to_").replace(":", "_")
    return out / "logits" / f"{benchmark}__{safe}__{method}.npz"


def _train_jobs(args):
    """Worker: trains the candidates of its share of (benchmark, task) pairs, saves logits."""
    part, parts, seed, out, data_dir = args
    from tftransfer.runner.grid import _init_worker
    # The grid workers' thread setting: oneDNN's convolutions round with the thread count.
    _init_worker(max(1, (os.cpu_count() or 1) // parts))
    from tftransfer.runner import resolve
    from tftransfer.runner.build import load_task
    from tftransfer.runner.run import train
    from tftransfer.runner.shallow_run import outputs_of, train_shallow
    from tftransfer.selection._outputs import ModelOutputs

    pairs = [(b, t) for b in REPORT_TASKS for t in REPORT_TASKS[b]]
    for benchmark, task_name in pairs[part::parts]:
        configs = benchmark_configs(benchmark, [task_name], list(auto.CANDIDATES), seed + 1,
                                    data_dir)
        for config in (c for c in configs if c.seed == seed):
            path = _file(out, benchmark, task_name, config.method)
            if path.exists():
                continue
            task = load_task(config)
            n_samples = len(task.source_train.x) + len(task.target_train.x)
            n_features = task.source_train.x.shape[1] if task.source_train.x.ndim == 2 else None
            if config.method not in auto.candidates_for(n_samples, n_features):
                continue
            if resolve(config).shallow:
                outputs = outputs_of(train_shallow(config, task)[0], task)
            else:
                model, task, _, _ = train(config, task=task)
                outputs = ModelOutputs(model, task)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, target_train=outputs["target_train"].logits,
                     target_test=outputs["target_test"].logits,
                     source_val=outputs["source_val"].logits, y_source_val=task.source_val.y,
                     y_target_test=task.target_test.y)
            os.replace(tmp, path)
            print(f"{benchmark} {task_name} {config.method}", flush=True)


def _entropy(logits: np.ndarray) -> float:
    return float(-(softmax(logits, 1) * log_softmax(logits, 1)).sum(1).mean())


class Candidate:
    """One candidate's saved logits, with its temperature on the source validation split."""

    def __init__(self, name: str, arrays):
        self.name = name
        self.arrays = dict(arrays)
        # The classical candidates' scores were calibrated before they were saved.
        self.temperature = (1.0 if name in auto.SHALLOW_CANDIDATES else
                            fit_temperature(self.arrays["source_val"], self.arrays["y_source_val"]))

    def logits(self, split: str, calibrated: bool = False) -> np.ndarray:
        logits = self.arrays[split]
        return logits / self.temperature if calibrated else logits

    @property
    def source_val_accuracy(self) -> float:
        return float((self.arrays["source_val"].argmax(1) == self.arrays["y_source_val"]).mean())

    def accuracy(self, predictions=None) -> float:
        predictions = self.arrays["target_test"].argmax(1) if predictions is None else predictions
        return float((predictions == self.arrays["y_target_test"]).mean())


def _guarded(candidates: Dict[str, Candidate]) -> List[str]:
    floor = candidates[BASELINE].source_val_accuracy - MAX_SOURCE_DROP
    return [m for m, c in candidates.items() if c.source_val_accuracy >= floor]


def _entropy_rule(calibrated: bool) -> Callable[[Dict[str, Candidate]], str]:
    def rule(candidates):
        entropy = {m: _entropy(c.logits("target_train", calibrated)) for m, c in candidates.items()}
        passing = [m for m in _guarded(candidates) if entropy[m] < entropy[BASELINE]]
        return min(passing, key=entropy.get) if passing else BASELINE
    return rule


def _ensemble(candidates: Dict[str, Candidate], split: str) -> np.ndarray:
    return np.mean([softmax(c.logits(split, calibrated=True), 1) for c in candidates.values()],
                   axis=0).argmax(1)


def _ensv_rule(guarded: bool) -> Callable[[Dict[str, Candidate]], str]:
    def rule(candidates):
        role_model = _ensemble(candidates, "target_train")
        pool = _guarded(candidates) if guarded else list(candidates)
        agreement = {m: float((candidates[m].logits("target_train").argmax(1) == role_model).mean())
                     for m in pool}
        return max(pool, key=agreement.get)
    return rule


RULES = {"entropy / drop 5 (previous default)": _entropy_rule(False),
         "calibrated entropy / drop 5": _entropy_rule(True),
         "EnsV": _ensv_rule(False),
         "EnsV / drop 5": _ensv_rule(True)}


def replay(out: Path) -> str:
    """The markdown tables of the replays over the logits in OUT/logits/."""
    groups: Dict[tuple, Dict[str, Candidate]] = defaultdict(dict)
    for path in sorted((out / "logits").glob("*.npz")):
        benchmark, task, method = path.stem.split("__")
        with np.load(path) as arrays:
            groups[(benchmark, task)][method] = Candidate(method, arrays)
    gains: Dict[str, Dict[str, List[float]]] = defaultdict(lambda: defaultdict(list))
    picks: Dict[str, Dict[str, Dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for (benchmark, _), candidates in sorted(groups.items()):
        if not set(auto.required_candidates()) <= set(candidates):
            continue
        base = candidates[BASELINE].accuracy()
        for name, rule in RULES.items():
            pick = rule(candidates)
            gains[benchmark][name].append(100 * (candidates[pick].accuracy() - base))
            counts = picks[benchmark][name]
            counts[pick] = counts.get(pick, 0) + 1
        oracle = max(candidates.values(), key=lambda c: c.accuracy())
        gains[benchmark]["ORACLE pick per task"].append(100 * (oracle.accuracy() - base))
        gains[benchmark]["calibrated ensemble of all (not a pick)"].append(
            100 * (candidates[BASELINE].accuracy(_ensemble(candidates, "target_test")) - base))
        for method, candidate in candidates.items():
            gains[benchmark][method].append(100 * (candidate.accuracy() - base))
    benchmarks = list(gains)
    rows = [*RULES, "calibrated ensemble of all (not a pick)", "ORACLE pick per task",
            *[c for c in auto.CANDIDATES if c != BASELINE]]
    lines = ["| Δ vs source_only (points) | " + " | ".join(benchmarks) + " |",
             "|" + "---|" * (len(benchmarks) + 1)]
    for row in rows:
        cells = [f"{np.mean(gains[b][row]):+.1f}" if gains[b].get(row) else "" for b in benchmarks]
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    lines += ["", "Picks (tasks):", ""]
    for benchmark in benchmarks:
        lines.append(f"- {benchmark}: " + "; ".join(
            f"{name}: " + ", ".join(f"{m} {n}" for m, n in sorted(picks[benchmark][name].items()))
            for name in RULES))
    return "\n".join(lines) + "\n"


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--data-dir", default=None, help="benchmark data folder (default ../shared/data)")
    parser.add_argument("--out", default="results/auto_probe")
    args = parser.parse_args(argv)
    out = Path(args.out)
    (out / "logits").mkdir(parents=True, exist_ok=True)
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    if data_dir is None or not data_dir.is_dir():
        raise SystemExit("error: no data folder; pass --data-dir or set $TFTRANSFER_DATA_DIR")
    jobs = [(part, args.jobs, args.seed, out, data_dir.resolve()) for part in range(args.jobs)]
    if args.jobs == 1:
        _train_jobs(jobs[0])
    else:
        with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
            pool.map(_train_jobs, jobs)
    text = replay(out)
    write_text_atomic(out / "summary.md", text)
    print(text)
    return text


if __name__ == "__main__":
    main()
