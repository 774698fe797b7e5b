"""line_chart: mean ± std per label against an ordered x, one panel per group."""

import pandas as pd

from tftransfer.report import line_chart as module


def _stats(rows):
    return pd.DataFrame(rows, columns=["label", "task", "mean", "std"])


def test_lines_follow_the_x_order_and_skip_missing_points(monkeypatch):
    monkeypatch.setattr(module, "_png", lambda figure: figure)  # inspect the figure, not its PNG
    stats = _stats([("scratch", "all", 90.0, 1.0), ("scratch", "1", 50.0, 2.0),
                    ("probe", "5", 80.0, 0.5), ("probe", "1", 70.0, 3.0)])
    figure = module.line_chart({"setting a": stats, "setting b": stats.iloc[:0]}, ["1", "5", "all"],
                               "k", "accuracy (%)", dashed=["scratch"])
    first, second = figure.axes
    assert [c.get_label() for c in first.containers] == ["scratch", "probe"]
    scratch, probe = (c.lines[0] for c in first.containers)  # each error bar's data line
    assert scratch.get_xydata().tolist() == [[0, 50.0], [2, 90.0]]  # no point at k=5
    assert probe.get_xydata().tolist() == [[0, 70.0], [1, 80.0]]
    assert scratch.get_linestyle() == "--" and probe.get_linestyle() == "-"
    assert [t.get_text() for t in first.get_xticklabels()] == ["1", "5", "all"]
    assert first.get_title() == "setting a" and not second.containers  # an empty panel draws nothing


def test_returns_a_png():
    png = module.line_chart({"a": _stats([("m", "1", 50.0, 1.0)])}, ["1"], "k", "accuracy (%)")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
