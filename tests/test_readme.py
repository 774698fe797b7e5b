"""The README's tour runs as written (with 1 epoch), so it cannot drift from the API."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quick_start_commands_and_tour():
    text = README.read_text()
    assert re.search(r"^make demo$", text, re.M) and re.search(r"^make test$", text, re.M)
    code = re.findall(r"```python\n(.*?)```", text, re.S)[0].replace("epochs=20", "epochs=1")
    code = code.replace("model.fit(data,", "model.fit(data, verbose=0,")
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)
    assert namespace["model"].built
