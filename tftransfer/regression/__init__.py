"""Regression transfer on the one engine: losses, metrics, float-target pipelines, training.

`DomainAdaptationModel(feature_extractor, task="regression", num_outputs=k,
regression_loss="mse" | "huber", losses={...})` is the engine in regression mode; a
regression `TransferTask` is made of `Domain(..., task="regression")` splits holding float
targets. `fit_regression_task(model, task, ...)` trains it with the protocols of
`training.fit_task`; `regression_metrics(model, domain)` gives MSE, MAE, RMSE and R².

Example:
    >>> from tftransfer import backbones, methods, regression
    >>> task = tftransfer.data.load_task("covariate_shift_regression")
    >>> fe = backbones.get("mlp", input_shape=task.input_shape)
    >>> model = methods.get("dann")(fe, None, task="regression")
    >>> model.compile(optimizer="adam")
    >>> regression.fit_regression_task(model, task, epochs=20, batch_size=64, seed=0)
    >>> regression.regression_metrics(model, task.target_test)["rmse"]
"""

from tftransfer.regression.losses import REGRESSION_LOSSES, huber_error, regression_loss, squared_error
from tftransfer.regression.metrics import R2, regression_scores
from tftransfer.regression.pipeline import regression_labelled_dataset, regression_paired_dataset


def fit_regression_task(*args, **kwargs):
    """`tftransfer.regression.fit.fit_regression_task` (imported on use: it imports the
    methods, which import this package)."""
    from tftransfer.regression.fit import fit_regression_task as fit

    return fit(*args, **kwargs)


def regression_metrics(*args, **kwargs):
    """`tftransfer.regression.fit.regression_metrics` (imported on use)."""
    from tftransfer.regression.fit import regression_metrics as metrics

    return metrics(*args, **kwargs)


__all__ = ["R2", "REGRESSION_LOSSES", "fit_regression_task", "huber_error",
           "regression_labelled_dataset", "regression_loss", "regression_metrics",
           "regression_paired_dataset", "regression_scores", "squared_error"]
