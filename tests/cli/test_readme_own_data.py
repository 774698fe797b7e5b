"""The README's "Your own data" section works as written: its snippet, `tftransfer data`, and a
`tftransfer run` command line the parser accepts (the run itself: tests/cli/test_run.py)."""

import re
import shlex
from pathlib import Path

import pandas as pd

from tftransfer.cli import main
from tftransfer.cli.parser import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def section() -> str:
    text = README.read_text()
    return text[text.index("## Your own data"):]


def test_snippet_writes_two_files_that_tftransfer_data_accepts(tmp_path, monkeypatch, capsys):
    code = re.findall(r"```python\n(.*?)```", section(), re.S)[0]
    assert len(code.strip().splitlines()) == 5
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), "exec"), {})
    a, b = pd.read_csv("a.csv"), pd.read_csv("b.csv")
    assert len(a) == len(b) == 300 and sorted(a["label"].unique()) == ["cat", "dog", "eel"]
    block = re.findall(r"```\n(tftransfer .*?)```", section(), re.S)[0]
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert [c[:2] for c in commands] == [["tftransfer", "data"], ["tftransfer", "run"]]
    assert main(commands[0][1:]) == 0
    assert capsys.readouterr().out.count("problems:  none") == 2
    args = build_parser().parse_args(commands[1][1:])
    assert (args.source, args.target, args.methods) == ("a.csv", "b.csv", "auto")
