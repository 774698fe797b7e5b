"""Apply a shallow feature map to a whole TransferTask."""

from __future__ import annotations

import dataclasses

from tftransfer.data.domains import Domain, TransferTask
from tftransfer.transforms.input_space import InputSpace


def transform_task(transform, task: TransferTask, input_space: bool = False) -> TransferTask:
    """Fits `transform` on the unlabelled training inputs of both domains and maps every split.

    Source splits go through `transform_source`, target splits through `transform_target`;
    target test labels are carried along for reporting only (the fit never sees labels).
    Inputs with several feature dimensions are flattened first; a map that keeps the input
    space (`keeps_input_space`, CORAL) gives them their shape back, so a convolutional
    backbone still sees images. With `input_space=True` a linear subspace map (SA, TCA's
    linear and primal kernels) is written back in input coordinates (`InputSpace`) for the
    same reason — for a backbone that reads the input's layout (a LeNet on flat square
    images too).

    Raises:
        ValueError: `input_space=True` with a map that is not linear (TCA's RBF kernel):
            its coordinates have no inverse into the input space.
    """
    if input_space and not getattr(transform, "keeps_input_space", False):
        if not transform.is_linear:
            raise ValueError(
                f"{type(transform).__name__} with kernel={getattr(transform, 'kernel', None)!r} is "
                "not a linear map, so its coordinates cannot be written back in the input's "
                "layout for a backbone that reads it (a LeNet, a file or hub model). Use a "
                "linear kernel ('primal' or 'linear'), or backbone='mlp' on the coordinates")
        transform = InputSpace(transform)

    def flat(domain: Domain):
        return domain.x.reshape(domain.n, -1)

    transform.fit(flat(task.source_train), flat(task.target_train))

    def mapped(domain: Domain, fn) -> Domain:
        x = fn(flat(domain))
        if getattr(transform, "keeps_input_space", False):
            x = x.reshape(domain.x.shape)
        return dataclasses.replace(domain, x=x)

    return dataclasses.replace(
        task,
        source_train=mapped(task.source_train, transform.transform_source),
        source_val=mapped(task.source_val, transform.transform_source),
        target_train=mapped(task.target_train, transform.transform_target),
        target_test=mapped(task.target_test, transform.transform_target),
    )
