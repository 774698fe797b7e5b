"""Building a zoo member, reading it back through `hub:`, resuming, and ranking the zoo."""

import json
import shutil

import keras
import numpy as np
import pytest

from tftransfer import backbones
from tftransfer.data import load_domain
from tftransfer.data.loaders import default_data_dir
from tftransfer.zoo import RESNET8_NAME, ZooMember, build_zoo, load_zoo, to_zoo_images
from tftransfer.zoo.__main__ import main as zoo_cli

DATA = default_data_dir()
needs_data = pytest.mark.skipif(
    DATA is None or not (DATA / "pretrained" / "resnet8_cifar10.h5").is_file(),
    reason="the zoo lists the ResNet-8 of ../shared/data/pretrained, which is absent")

TINY = ZooMember("mlp_digits_tiny", "mlp", "digits", epochs=2)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if DATA is None or not (DATA / "pretrained" / "resnet8_cifar10.h5").is_file():
        pytest.skip("the zoo lists the ResNet-8 of ../shared/data/pretrained, which is absent")
    out = tmp_path_factory.mktemp("zoo")
    lines = []
    manifest = build_zoo(out, members=[TINY], log=lines.append)
    return out, manifest, lines


@needs_data
@pytest.mark.slow
def test_member_is_exported_and_loads_back_through_hub(built):
    out, manifest, lines = built
    assert [m["name"] for m in manifest] == [TINY.name, RESNET8_NAME]
    folder = out / TINY.name
    assert (folder / "done").is_file() and (folder / "hub" / "saved_model.pb").is_file()
    record = json.loads((folder / "member.json").read_text())
    assert record["key"] == TINY.key(0) and record["source_examples"] == 808
    assert record["source_val_accuracy"] > 0.5           # 10 classes: chance is 0.1
    assert lines[0].startswith(f"{TINY.name}: mlp on digits")

    zoo = load_zoo(out)
    assert zoo.specs() == {TINY.name: f"hub:{(folder / 'hub').resolve()}",
                           RESNET8_NAME: f"file:{(DATA / 'pretrained' / 'resnet8_cifar10.h5').resolve()}"}
    assert zoo.source_heads() == {TINY.name: str((folder / "source_head.keras").resolve())}
    # The hub export and the saved head classify the source examples as trained.
    source = to_zoo_images(load_domain("original", role="source"))
    extractor = backbones.get(zoo.specs()[TINY.name])
    head = keras.models.load_model(zoo.source_heads()[TINY.name])
    predicted = head.predict(extractor.predict(source.x, verbose=0), verbose=0).argmax(axis=1)
    assert (predicted == source.y).mean() > 0.5


@needs_data
@pytest.mark.slow
def test_a_moved_zoo_loads_a_complete_member_is_kept_a_changed_one_rebuilt(built, tmp_path):
    out = tmp_path / "zoo"
    shutil.copytree(built[0], out)   # the shared fixture's zoo stays as it is
    # A moved zoo reads its members where it is now (the manifest's paths are relative).
    assert load_zoo(out).specs()[TINY.name] == f"hub:{(out / TINY.name / 'hub').resolve()}"
    lines = []
    build_zoo(out, members=[TINY], log=lines.append)
    assert lines == [f"{TINY.name}: up to date"]
    changed = ZooMember(TINY.name, "mlp", "digits", epochs=1)
    assert changed.key(0) != TINY.key(0)
    build_zoo(out, members=[changed], log=lines.append)
    assert lines[-1].startswith(f"{TINY.name}: mlp on digits (808 examples, 1 epochs)")
    assert json.loads((out / TINY.name / "member.json").read_text())["key"] == changed.key(0)


@needs_data
@pytest.mark.slow
def test_rank_the_zoo_on_a_small_target(built, capsys):
    from tftransfer.ranking import rank_backbones

    out, _, _ = built
    zoo = load_zoo(out)
    rotated = to_zoo_images(load_domain("rotated", role="target")).subset(np.arange(100))
    table = rank_backbones(zoo.specs(), rotated, source_heads=zoo.source_heads())
    assert list(table.backbone) == [TINY.name, RESNET8_NAME]
    assert table[["logme", "leep", "nce", "hscore"]].notna().all().all()
    assert (table.note == "").all()
    assert zoo_cli(["list", "--zoo", str(out)]) == 0
    listed = capsys.readouterr().out
    assert TINY.name in listed and RESNET8_NAME in listed


def test_missing_zoo_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m tftransfer.zoo build --out"):
        load_zoo(tmp_path)


def test_unknown_member_lists_the_valid_ones(tmp_path):
    with pytest.raises(ValueError, match="Unknown zoo member 'vgg_mnist'. Valid zoo members: lenet_mnist"):
        build_zoo(tmp_path, members=["vgg_mnist"])
