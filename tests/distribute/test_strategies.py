"""Strategy names, TF_CONFIG parsing and the chief rule, in this (single) process."""

import json

import pytest
import tensorflow as tf

from tftransfer import distribute


def test_multi_worker_is_a_strategy_name():
    assert "multi_worker" in distribute.STRATEGIES
    from experiments.common import common_parser

    args = common_parser("x", "out").parse_args(["--strategy", "multi_worker"])
    assert args.strategy == "multi_worker"


def test_unknown_strategy_lists_the_valid_ones():
    with pytest.raises(ValueError, match="multi_worker"):
        distribute.resolve_strategy("horovod")


@pytest.mark.parametrize("cluster,expected", [
    (None, 0),
    ({"worker": ["a:1"]}, 1),
    ({"chief": ["a:1"], "worker": ["b:1", "c:1"]}, 3),
])
def test_tf_config_workers(monkeypatch, cluster, expected):
    if cluster is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": cluster,
                                                    "task": {"type": "worker", "index": 0}}))
    assert distribute.tf_config_workers() == expected


def test_bad_tf_config_says_what_it_got(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "not json")
    with pytest.raises(ValueError, match="not json"):
        distribute.tf_config_workers()


def test_auto_without_tf_config_or_gpus_is_the_default_strategy(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    if len(tf.config.list_logical_devices("GPU")) > 1:
        pytest.skip("several GPUs: auto is mirrored")
    assert distribute.resolve_strategy("auto") is tf.distribute.get_strategy()


def test_single_process_strategies_are_chief(two_cpu_strategy):
    for strategy in (tf.distribute.get_strategy(), two_cpu_strategy):
        assert distribute.is_chief(strategy) and not distribute.is_multi_worker(strategy)
        assert distribute.chief_decides(True, strategy) and not distribute.chief_decides(False, strategy)
