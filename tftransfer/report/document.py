"""A report as a list of blocks, rendered to one self-contained HTML file and to Markdown.

The HTML embeds every figure as a base64 PNG (`<img src="data:image/png;base64,...">`), so
the one file can be mailed or opened anywhere; the Markdown refers to the same PNGs written
next to it (`figures/<name>.png`).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional

import pandas as pd

from tftransfer.io import write_bytes_atomic, write_text_atomic

FIGURES_DIR = "figures"

_STYLE = """
body { font-family: system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; margin-top: 1.8em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; }
th { background: #f3f3f3; }
tr.oracle td { background: #fff4d6; font-style: italic; }
tr.negative td { background: #fde2e2; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.4em 0; }
p.note { color: #666; font-size: 0.9em; }
code, pre { background: #f6f6f6; padding: 0.1em 0.3em; }
"""


@dataclass
class Block:
    kind: str  # "h2", "h3", "p", "note", "table", "image", "list"
    text: str = ""
    table: Optional[pd.DataFrame] = None
    row_class: Optional[Callable[[object, pd.Series], str]] = None
    png: bytes = b""
    name: str = ""
    items: List[str] = field(default_factory=list)


class Document:
    """An ordered list of headings, paragraphs, tables and images."""

    def __init__(self, title: str):
        self.title = title
        self.blocks: List[Block] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(Block(f"h{level}", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(Block("p", text))

    def note(self, text: str) -> None:
        self.blocks.append(Block("note", text))

    def bullets(self, items: List[str]) -> None:
        if items:
            self.blocks.append(Block("list", items=list(items)))

    def table(self, frame: pd.DataFrame, row_class=None) -> None:
        """`row_class(index, row)` -> a CSS class of the HTML row ("oracle", "negative", "")."""
        self.blocks.append(Block("table", table=frame, row_class=row_class))

    def image(self, name: str, png: bytes, caption: str) -> None:
        self.blocks.append(Block("image", text=caption, png=png, name=name))

    @property
    def images(self) -> List[Block]:
        return [b for b in self.blocks if b.kind == "image"]

    def to_html(self) -> str:
        out = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
               f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>",
               f"<h1>{html.escape(self.title)}</h1>"]
        for block in self.blocks:
            if block.kind in ("h2", "h3"):
                out.append(f"<{block.kind}>{html.escape(block.text)}</{block.kind}>")
            elif block.kind == "p":
                out.append(f"<p>{html.escape(block.text)}</p>")
            elif block.kind == "note":
                out.append(f"<p class=\"note\">{html.escape(block.text)}</p>")
            elif block.kind == "list":
                items = "".join(f"<li>{html.escape(i)}</li>" for i in block.items)
                out.append(f"<ul>{items}</ul>")
            elif block.kind == "table":
                out.append(_html_table(block.table, block.row_class))
            elif block.kind == "image":
                data = base64.b64encode(block.png).decode("ascii")
                out.append(f"<figure><img alt=\"{html.escape(block.text)}\" "
                           f"src=\"data:image/png;base64,{data}\"><figcaption>"
                           f"{html.escape(block.text)}</figcaption></figure>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"

    def to_markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for block in self.blocks:
            if block.kind == "h2":
                out += [f"## {block.text}", ""]
            elif block.kind == "h3":
                out += [f"### {block.text}", ""]
            elif block.kind == "p":
                out += [block.text, ""]
            elif block.kind == "note":
                out += [f"_{block.text}_", ""]
            elif block.kind == "list":
                out += [f"- {item}" for item in block.items] + [""]
            elif block.kind == "table":
                out += [_markdown_table(block.table, block.row_class), ""]
            elif block.kind == "image":
                out += [f"![{block.text}]({FIGURES_DIR}/{block.name}.png)", "",
                        f"_{block.text}_", ""]
        return "\n".join(out)

    def write(self, folder) -> dict:
        """Writes report.html, report.md and figures/*.png into `folder`; returns the paths."""
        folder = Path(folder)
        figures = folder / FIGURES_DIR
        figures.mkdir(parents=True, exist_ok=True)
        for block in self.images:
            write_bytes_atomic(figures / f"{block.name}.png", block.png)
        for name, text in (("report.html", self.to_html()), ("report.md", self.to_markdown())):
            write_text_atomic(folder / name, text)
        return {"html": folder / "report.html", "markdown": folder / "report.md",
                "figures": [figures / f"{b.name}.png" for b in self.images]}


def _cells(frame: pd.DataFrame):
    header = [frame.index.name or ""] + [str(c) for c in frame.columns] if _show_index(frame) \
        else [str(c) for c in frame.columns]
    rows = []
    for index, row in frame.iterrows():
        values = [_format(v) for v in row.values]
        rows.append((index, row, ([_format(index)] if _show_index(frame) else []) + values))
    return header, rows


def _show_index(frame: pd.DataFrame) -> bool:
    return not isinstance(frame.index, pd.RangeIndex)


def _format(value) -> str:
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value)
    if isinstance(value, float):  # at most 3 decimals, no trailing zeros: 48.7, 0.164, 2
        return f"{value:.3f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


NUMBER = ' class="num"'


def _html_table(frame: pd.DataFrame, row_class) -> str:
    header, rows = _cells(frame)
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
           + "</tr></thead><tbody>"]
    for index, row, cells in rows:
        css = row_class(index, row) if row_class else ""
        attr = f" class=\"{css}\"" if css else ""
        tds = "".join(f"<td{NUMBER if _numeric(c) else ''}>{html.escape(c)}</td>" for c in cells)
        out.append(f"<tr{attr}>{tds}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _numeric(cell: str) -> bool:
    """Whether a cell reads as a number (or "mean ± std"): right-aligned."""
    try:
        float(cell.split(" ± ")[0])
    except ValueError:
        return False
    return True


def _markdown_table(frame: pd.DataFrame, row_class) -> str:
    header, rows = _cells(frame)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row, cells in rows:
        css = row_class(index, row) if row_class else ""
        if css == "negative" and cells:
            cells = [f"**{cells[0]}** ⚠"] + cells[1:]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)
