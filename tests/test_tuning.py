"""KerasTuner search driven by validators: runs, resumes, records failures, rejects bad names."""

import keras
import numpy as np
import pytest

from tftransfer import tuning
from tftransfer.config import RunConfig

BASE = RunConfig(experiment="test", task="moons->moons_rotated", method="dann", epochs=2,
                 batch_size=64, backbone_options={"units": [16]})


@pytest.mark.slow
def test_two_trial_search_returns_a_model_and_resumes_without_new_trials(tmp_path, monkeypatch):
    result = tuning.tune(BASE, objective="source_val", max_trials=2, directory=tmp_path)
    assert list(result.trials["status"]) == ["COMPLETED", "COMPLETED"]
    assert result.best_config is not None and result.best_config.method == "dann"
    assert {"lambda_", "learning_rate", "source_val", "dev", "target_accuracy"} <= set(result.trials)
    assert not result.oracle
    model = result.best_model()
    assert isinstance(model, keras.Model)
    assert model.predict(np.zeros((3, 2), "float32"), verbose=0).shape == (3, 2)
    csv = list(tmp_path.glob("*/trials.csv"))
    assert len(csv) == 1

    def no_training(*args, **kwargs):
        raise AssertionError("a finished trial was run again")

    monkeypatch.setattr(tuning.TransferHyperModel, "fit", no_training)
    again = tuning.tune(BASE, objective="source_val", max_trials=2, directory=tmp_path)
    assert again.trials.drop(columns="message").equals(result.trials.drop(columns="message"))
    assert again.best_config == result.best_config


@pytest.mark.slow
def test_the_same_seed_samples_the_same_trials(tmp_path):
    def sampled(seed, folder):
        result = tuning.tune(BASE, objective="source_val", max_trials=2, seed=seed,
                             directory=tmp_path / folder)
        return result.trials[["learning_rate", "lambda_"]].to_numpy().tolist()

    first = sampled(0, "a")
    assert sampled(0, "b") == first  # seed 0 included: KerasTuner reads 0 as "no seed"
    assert sampled(1, "c") != first


@pytest.mark.slow
def test_a_nan_trial_is_recorded_as_failed_and_the_search_goes_on(tmp_path):
    base = BASE
    result = tuning.tune(base, objective="entropy", max_trials=2, directory=tmp_path,
                         space={"learning_rate": "0.01|1e30", "lambda_": "0.5", "freeze_depth": "1"})
    statuses = dict(zip(result.trials["learning_rate"], result.trials["status"]))
    assert statuses == {0.01: "COMPLETED", 1e30: "FAILED"}
    failed = result.trials[result.trials["status"] == "FAILED"].iloc[0]
    assert "NaN" in failed["message"]
    assert result.best_config.recipe["learning_rate"] == 0.01


def test_unknown_names_are_rejected_with_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match="Unknown validator 'accuracy'.*iwcv.*snd"):
        tuning.tune(BASE, objective="accuracy", directory=tmp_path)
    with pytest.raises(ValueError, match="Unknown tuner 'grid'.*random, bayes, hyperband"):
        tuning.tune(BASE, objective="dev", tuner="grid", directory=tmp_path)
    with pytest.raises(ValueError, match=r"Unknown hyperparameters \['dropout'\].*lambda_.*momentum"):
        tuning.tune(BASE, objective="dev", space={"dropout": "0.1:0.5"}, directory=tmp_path)


def test_parse_param_and_default_space():
    assert tuning.parse_param("0.01:10:log") == tuning.Param("float", 0.01, 10.0, log=True)
    assert tuning.parse_param("1:4") == tuning.Param("int", 1, 4)
    assert tuning.parse_param("a|2|true") == tuning.Param("choice", values=("a", 2, True))
    assert tuning.parse_param("0.5") == tuning.Param("fixed", values=(0.5,))
    with pytest.raises(ValueError, match="third field may only be 'log'"):
        tuning.parse_param("1:2:exp")
    with pytest.raises(ValueError, match="NAME=SPEC"):
        tuning.parse_space(["lambda_"])
    space = tuning.default_space(BASE)
    assert space["lambda_"].log and space["learning_rate"].log
    assert "lambda_" not in tuning.default_space(BASE.replace(method="source_only"))
    finetune = tuning.default_space(BASE.replace(method="finetune", target_labels_per_class=2))
    assert {"l2sp_alpha", "backbone_lr_multiplier"} <= set(finetune)


def test_freeze_depth_is_searched_only_where_trained_weights_are_kept(tmp_path):
    # A backbone trained from scratch is trained whole: freezing it freezes random weights.
    assert "freeze_depth" not in tuning.default_space(BASE)
    assert "freeze_depth" not in tuning.default_space(BASE.replace(method="source_only"))
    # The fine-tuner pretrains its backbone on the source: its one Dense group, 0 = frozen.
    finetune = tuning.default_space(BASE.replace(method="finetune", target_labels_per_class=2))
    assert finetune["freeze_depth"] == tuning.Param("int", 0, 1)
    # A pretrained file backbone (two Dense groups under its cut classifier), any method.
    inputs = keras.Input((2,))
    hidden = keras.layers.Dense(4, activation="relu")(keras.layers.Dense(8, activation="relu")(inputs))
    path = tmp_path / "pretrained.keras"
    keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden)).save(path)
    for method in ("dann", "source_only"):
        space = tuning.default_space(BASE.replace(method=method, backbone=f"file:{path}",
                                                  backbone_options={}))
        assert space["freeze_depth"] == tuning.Param("int", 0, 2)


SHALLOW_BASE = RunConfig(experiment="test", task="moons->moons_rotated", method="jda")


def test_a_shallow_method_is_tuned_in_its_own_space_and_its_fitted_estimator_reloads(tmp_path):
    from tftransfer import shallow

    space = tuning.default_space(SHALLOW_BASE)
    assert set(space) == {"n_components", "lam", "kernel"}
    # The paper's k range, 10..100, cut to what moons' 2 features allow.
    assert space["n_components"] == tuning.Param("int", 1, 2)
    result = tuning.tune(SHALLOW_BASE, objective="dev", max_trials=3, directory=tmp_path)
    assert list(result.trials["status"]) == ["COMPLETED"] * 3
    assert set(result.trials["kernel"]) <= {"primal", "linear", "rbf"}
    assert result.trials["lam"].between(0.01, 10).all()
    assert not result.oracle
    options = result.best_config.method_options
    assert options["n_components"] in (1, 2) and set(options) == {"n_components", "lam", "kernel"}
    best = result.best_model()
    assert isinstance(best, shallow.JDA) and best.n_components == options["n_components"]
    assert best.predict(np.zeros((3, 2))).shape == (3,)
    # The winner is the trial with the highest DEV score, never target accuracy.
    completed = result.trials.sort_values(["dev", "trial_id"], ascending=[False, True])
    assert result.best_scores["dev"] == completed["dev"].iloc[0]


def test_shallow_searches_refuse_epochs_hyperband_and_unknown_options(tmp_path):
    with pytest.raises(ValueError, match="Unknown hyperparameters \\['epochs'\\].*lam"):
        tuning.tune(SHALLOW_BASE, objective="dev", directory=tmp_path, space={"epochs": "1:3"})
    with pytest.raises(ValueError, match="hyperband.*Valid tuners for it: random, bayes"):
        tuning.tune(SHALLOW_BASE, objective="dev", directory=tmp_path, tuner="hyperband")
    pipeline = SHALLOW_BASE.replace(method="tca_svm")
    assert set(tuning.default_space(pipeline)) == {"head_C", "n_components"}


@pytest.mark.slow
def test_a_fresh_search_starts_with_the_defaults(tmp_path):
    from tftransfer.runner import train_and_evaluate

    result = tuning.tune(BASE, objective="source_val", max_trials=2, directory=tmp_path / "a")
    first = result.trials.iloc[0]
    assert (first["learning_rate"], first["lambda_"]) == (0.03, 0.3)  # the recipe's η0, DANN's λ
    assert result.trials.iloc[1]["learning_rate"] != 0.03  # then sampled
    metrics, _ = train_and_evaluate(BASE)  # the defaults' trial is the plain run
    assert first["target_accuracy"] == pytest.approx(metrics["target_accuracy"], abs=1e-6)
    assert first["source_val"] == pytest.approx(metrics["source_val_accuracy"], abs=1e-6)
    bayes = tuning.tune(BASE, objective="source_val", max_trials=1, tuner="bayes",
                        directory=tmp_path / "c")
    assert (bayes.trials.iloc[0]["learning_rate"], bayes.trials.iloc[0]["lambda_"]) == (0.03, 0.3)
    # Hyperband too, at its first bracket's budget (3 epochs, factor 3: 1 epoch).
    hyperband = tuning.tune(BASE.replace(epochs=3), objective="source_val", tuner="hyperband",
                            directory=tmp_path / "d")
    values = hyperband.tuner.oracle.get_trial(hyperband.trials.iloc[0]["trial_id"]).hyperparameters.values
    assert (values["learning_rate"], values["lambda_"], values["tuner/epochs"]) == (0.03, 0.3, 1)
    assert len(hyperband.trials) > 1
    # A space without the defaults samples from its first trial.
    narrow = tuning.tune(BASE, objective="source_val", max_trials=1, directory=tmp_path / "b",
                         space={"learning_rate": "0.001:0.01:log"})
    assert 0.001 <= narrow.trials.iloc[0]["learning_rate"] <= 0.01


def test_default_values_are_the_configs_own_or_none_outside_the_space():
    assert tuning.default_values(BASE, tuning.default_space(BASE)) == {"learning_rate": 0.03,
                                                                       "lambda_": 0.3}
    own = BASE.replace(method_options={"lambda_": 1.5}, recipe={"learning_rate": 0.01})
    assert tuning.default_values(own, tuning.default_space(own)) == {"learning_rate": 0.01,
                                                                     "lambda_": 1.5}
    fixed = {**tuning.default_space(BASE), "lambda_": tuning.parse_param("0.5")}
    assert tuning.default_values(BASE, fixed) == {"learning_rate": 0.03, "lambda_": 0.5}
    # The fine-tuner's default L2-SP α is 0, outside its log-scale dimension: no such trial.
    finetune = BASE.replace(method="finetune", target_labels_per_class=2)
    assert tuning.default_values(finetune, tuning.default_space(finetune)) is None
    jda = SHALLOW_BASE  # moons: 2 features, so the default k is 2 (the paper's 30 elsewhere)
    assert tuning.default_values(jda, tuning.default_space(jda)) == {
        "n_components": 2, "lam": 1.0, "kernel": "primal"}
    wide = jda.replace(task="original->rotated")  # digits: 64 features
    assert tuning.default_space(wide)["n_components"] == tuning.Param("int", 10, 64)
    assert tuning.default_values(wide, tuning.default_space(wide))["n_components"] == 30

