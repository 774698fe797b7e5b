"""build_report on results folders: every section, figures that exist and load in a browser."""

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from tftransfer.report import build_report, save_sample
from tftransfer.report.folder import SAMPLES_DIR, TASK_FILE

METHODS = {"source_only": 3.0, "dann": 0.3}  # method -> target feature offset (dann aligned)


def make_folder(root, rng, with_features=True, n=60):
    """A results folder as the runner writes it: results.csv, runs/*/{config.json,
    history.csv, done} (+ features.npz and the input sample when `with_features`)."""
    rows = []
    for method, offset in METHODS.items():
        for seed in (0, 1):
            run_id = f"{method}{seed}"
            rows.append({"experiment": "x", "task": "a->b", "method": method, "seed": seed,
                         "run_id": run_id,
                         "target_accuracy": 0.6 + 0.1 * (method == "dann") + 0.01 * seed,
                         "source_val_accuracy": 0.9, "target_labels": "none",
                         "target_labels_per_class": 0, "train_seconds": 1.0})
            run_dir = root / "runs" / run_id
            run_dir.mkdir(parents=True)
            (run_dir / "config.json").write_text(json.dumps({"method": method, "seed": seed,
                                                             "task": "a->b", "dataset": "builtin"}))
            history = pd.DataFrame({"epoch": [1, 2, 3], "loss": [1.0, 0.6, 0.4],
                                    "task_loss": [0.9, 0.5, 0.3], "val_accuracy": [0.5, 0.8, 0.9],
                                    "lambda": [0.0, 0.5, 1.0]})
            if method == "dann":
                history["adaptation_loss"] = [0.7, 0.69, 0.68]
            history.to_csv(run_dir / "history.csv", index=False)
            (run_dir / "done").write_text("")
            if with_features:
                y_s, y_t = np.arange(n) % 3, np.arange(n) % 3
                save_sample(run_dir / "features.npz", {
                    "source_features": rng.normal(size=(n, 8)) + y_s[:, None],
                    "target_features": rng.normal(size=(n, 8)) + y_t[:, None] + offset,
                    "source_pred": y_s, "target_pred": y_t,
                    "source_rows": np.arange(n), "target_rows": np.arange(n)})
    pd.DataFrame(rows).to_csv(root / "results.csv", index=False)
    if with_features:
        y = np.arange(n) % 3
        save_sample(root / SAMPLES_DIR / "a_to_b.npz", {
            "source_x": rng.normal(size=(n, 4)), "target_x": rng.normal(size=(n, 4)) + 1.0,
            "source_y": y, "target_y": y, "reduced": np.array(0)})
        (root / TASK_FILE).write_text(json.dumps({"class_names": ["x", "y", "z"],
                                                  "files": {}, "notes": []}))
    return root


def test_report_has_every_section_and_its_figures(tmp_path, rng):
    folder = make_folder(tmp_path, rng)
    paths = build_report(folder)
    html, markdown = paths["html"].read_text(), paths["markdown"].read_text()
    names = sorted(p.stem for p in paths["figures"])
    assert names == ["bars", "curves_a_to_b", "embedding_class_a_to_b", "embedding_domain_a_to_b"]
    for path in paths["figures"]:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    assert html.count('src="data:image/png;base64,') == 4 and "<table>" in html
    assert paths["notes"] == []
    assert "| dann | 70.5 ± 0.5 |" in markdown and "| source_only | 60.5 ± 0.5 |" in markdown
    # dann's features were built aligned with the source: lower proxy A-distance
    pad = dict(re.findall(r"\| features: (\w+) \| 0 \| ([0-9.]+) \|", markdown))
    assert float(pad["dann"]) < float(pad["source_only"])
    assert "After adaptation: dann — chosen by best source validation accuracy" in markdown
    assert "TRUE labels (reporting only)" in markdown


def test_a_folder_without_feature_samples_gets_a_note_not_an_error(tmp_path, rng):
    folder = make_folder(tmp_path, rng, with_features=False)
    paths = build_report(folder, load_inputs=False)
    assert sorted(p.stem for p in paths["figures"]) == ["bars", "curves_a_to_b"]
    assert any("no features.npz" in note for note in paths["notes"])
    assert "no features.npz" in paths["markdown"].read_text()


def test_negative_transfer_is_flagged_in_the_report(tmp_path, rng):
    folder = make_folder(tmp_path, rng, with_features=False)
    frame = pd.read_csv(folder / "results.csv")
    frame.loc[frame["method"] == "dann", "target_accuracy"] = 0.5
    frame.to_csv(folder / "results.csv", index=False)
    markdown = build_report(folder, load_inputs=False)["markdown"].read_text()
    assert "NEGATIVE TRANSFER: dann on a->b: -10.5 points vs source_only" in markdown


CHECK_IMAGES = """
<script>
window.addEventListener("load", () => {
  const sizes = Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1);
  const out = document.createElement("pre");
  out.id = "image-check";
  out.textContent = "IMAGES " + JSON.stringify(sizes);
  document.body.appendChild(out);
});
</script>
"""


@pytest.mark.slow
def test_every_image_loads_in_a_headless_browser(tmp_path, rng):
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                   "google-chrome"))), None)
    if browser is None:
        pytest.skip("no Chromium on this machine (Debian/Ubuntu: apt-get install chromium)")
    folder = make_folder(tmp_path / "out", rng)
    html = build_report(folder)["html"].read_text()
    # The check runs inside a copy of the page, after every image has loaded or failed.
    page = tmp_path / "check.html"
    page.write_text(html.replace("</body>", CHECK_IMAGES + "</body>"))
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r"IMAGES (\[[^\]]*\])", result.stdout)
    assert found, f"no result from the browser: {result.stderr[-2000:]}"
    widths = json.loads(found.group(1))
    assert len(widths) == 4 and all(w > 100 for w in widths), widths
