"""The interface every model-selection validator implements."""

from __future__ import annotations

import abc
import math
from typing import ClassVar, Tuple

from tftransfer._checks import check_instance, check_int
from tftransfer.selection._outputs import ModelOutputs


class Validator(abc.ABC):
    """A model-selection criterion for unsupervised domain adaptation.

    A validator maps a trained model and a `TransferTask` to one float, and HIGHER IS ALWAYS
    BETTER: criteria that are losses or risks (IWCV with cross-entropy, DEV, entropy) return
    their negative. So the same number serves

      * as a tuning objective (maximise it: KerasTuner `Objective(name, direction="max")`),
      * as an epoch / checkpoint selector (`SelectionCallback` logs it each epoch as
        `selection_<name>` for `ModelCheckpoint(monitor=..., mode="max")`, or keeps the best
        weights itself).

    Only validators with `uses_target_labels = True` (the oracle) read target labels; the
    others read source labels, unlabelled target inputs and the model's outputs.

    Subclasses set `name`, `splits` (the task splits they read) and implement
    `score_outputs`, which works on cached numpy outputs (`ModelOutputs`), so several
    validators share one forward pass per split.

    Example:
        >>> validator = tftransfer.selection.get("iwcv")
        >>> validator.score(model, task, seed=0)
        0.83
    """

    #: Registry name, also the suffix of the logged metric `selection_<name>`.
    name: ClassVar[str] = ""
    #: True only for oracle criteria that read target labels (never honest selection).
    uses_target_labels: ClassVar[bool] = False
    #: Always True: every validator returns a score to maximise.
    higher_is_better: ClassVar[bool] = True
    #: The `TransferTask` splits the criterion reads.
    splits: ClassVar[Tuple[str, ...]] = ()

    def score(self, model, task, *, seed: int = 0, batch_size: int = 512) -> float:
        """Scores `model` on `task`; higher is better.

        Args:
            model: A tftransfer method (features and logits) or a Keras model giving logits.
            task: The `TransferTask`.
            seed: Seeds every random choice of the criterion (subsamples, folds, fits).
            batch_size: Rows per forward pass.

        Returns:
            A finite Python float.

        Raises:
            TypeError: A task that is not a `TransferTask`, or a model without the outputs
                the criterion needs.
            ValueError: Non-finite model outputs or a bad option.
        """
        return self.score_outputs(ModelOutputs(model, task, batch_size=batch_size), seed=seed)

    __call__ = score

    def score_outputs(self, outputs: ModelOutputs, *, seed: int = 0) -> float:
        """Like `score`, on outputs already computed (or to be computed once) for a model."""
        check_instance(outputs, "outputs", ModelOutputs, owner=self.name)
        value = float(self._score(outputs, check_int(seed, "seed", minimum=0, owner=self.name)))
        if not math.isfinite(value):
            raise ValueError(f"{self.name} produced a non-finite score {value!r}")
        return value

    @abc.abstractmethod
    def _score(self, outputs: ModelOutputs, seed: int) -> float:
        """The criterion itself, higher better."""

    def __repr__(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({options})"
