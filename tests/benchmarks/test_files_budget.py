"""benchmarks/files_budget.py: the input variants and its usage errors (the runs themselves
are the command line's, tested in tests/cli)."""

import numpy as np
import pytest

from helpers import benchmark_script


def _script():
    return benchmark_script("files_budget")


def test_input_variants_standardise_with_the_stated_statistics():
    script = _script()
    rng = np.random.default_rng(0)
    xs = rng.normal(2.0, 3.0, size=(40, 3))
    xt = rng.normal(-1.0, 0.5, size=(30, 3))
    xs[:, 2] = 7.0  # constant in the source
    raw_s, raw_t = script.transformed(xs, xt, "raw")
    np.testing.assert_allclose(raw_s, xs, rtol=1e-6)
    zs, zt = script.transformed(xs, xt, "domain_z")
    for z in (zs[:, :2], zt):
        np.testing.assert_allclose(z.mean(0), 0.0, atol=1e-5)
        np.testing.assert_allclose(z.std(0), 1.0, atol=1e-5)
    assert (zs[:, 2] == 0).all()  # zero spread becomes 0
    ps, pt = script.transformed(xs, xt, "pooled_z")
    both = np.vstack([ps, pt])
    np.testing.assert_allclose(both.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(both.std(0), 1.0, atol=1e-5)
    ss, st = script.transformed(xs, xt, "source_z")
    np.testing.assert_allclose(ss[:, :2].mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(st[:, 0], (xt[:, 0] - xs[:, 0].mean()) / xs[:, 0].std(), rtol=1e-4)


@pytest.mark.parametrize("argv, fragment", [
    (["--budgets", "short"], "unknown ['short']; valid: default, passes"),
    (["--inputs", "minmax"], "valid: raw, domain_z, pooled_z, source_z"),
    (["--seeds", "0"], "--seeds must be >= 1"),
    (["--data-dir", "/no/such/folder"], "does not exist"),
])
def test_unknown_names_are_usage_errors(argv, fragment, capsys):
    with pytest.raises(SystemExit) as stop:
        _script().main(argv)
    assert stop.value.code == 2
    assert fragment in capsys.readouterr().err
