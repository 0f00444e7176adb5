"""`ganzoo train` for the generator families, and `ganzoo sample`'s codes."""

import os

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.cli import main
from ganzoo.cli import train as cli_train
from ganzoo.presets.preset_io import read_metadata

SIZE = 8
# The tiniest networks of each family; 8x8 greyscale images.
SMALL = ["--latent-dim", "4", "--filters", "4"]
TINY = {
    "gan": ["--latent-dim", "4"],
    "dcgan": SMALL,
    "cgan": ["--latent-dim", "4"],
    "conditionaldcgan": SMALL,
    "acgan": SMALL,
    "sgan": SMALL + ["--num-labelled", "2"],
    "wgan": SMALL + ["--option", "n_critic=1"],
    "wgangp": SMALL + ["--option", "n_critic=1"],
    "lsgan": SMALL,
    "sngan": SMALL,
    "infogan": SMALL + ["--option", "num_categories=2"],
    "stackedgan": ["--encoder-epochs", "1"]
    + [
        arg
        for pair in (
            "z0_dim=4",
            "z1_dim=4",
            "feature_dim=8",
            "filters=4",
            "kernel_size=3",
            "encoder_filters=4",
            "generator1_units=8",
            "discriminator1_units=8",
        )
        for arg in ("--option", pair)
    ],
}
LABELLED = {"cgan", "conditionaldcgan", "acgan", "sgan", "stackedgan"}


def _write_images(folder, num_images, seed):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(num_images):
        pixels = rng.integers(0, 256, (10, 12, 3), dtype="uint8")
        Image.fromarray(pixels).save(os.path.join(folder, f"{i}.png"))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A folder of 4 images, and one of 2 classes ('dog', 'cat') of 3 each."""
    root = tmp_path_factory.mktemp("images")
    _write_images(root / "flat", 4, seed=0)
    for seed, name in enumerate(("dog", "cat")):
        _write_images(root / "classes" / name, 3, seed=seed + 1)
    return str(root / "flat"), str(root / "classes")


def _train_argv(family, folder, out, epochs=1):
    return [
        "train",
        family,
        "--images",
        folder,
        "--out",
        str(out),
        "--image-size",
        str(SIZE),
        "--channels",
        "1",
        "--epochs",
        str(epochs),
        "--batch-size",
        "4",
    ] + TINY[family]


def _one_line_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"ganzoo {argv[0]}: error: "), err
    return err[0]


def test_every_generator_family_is_a_train_choice():
    exported = {
        name
        for name in ganzoo.__all__
        if isinstance(getattr(ganzoo, name), type)
        and issubclass(getattr(ganzoo, name), ganzoo.BaseGAN)
        and name not in ("BaseGAN", "NoiseToImageGAN", "ImageToImageGAN")
    }
    commands = {**cli_train.GENERATORS, **cli_train.IMAGE_TO_IMAGE}
    assert set(commands.values()) == exported
    assert set(TINY) == set(cli_train.GENERATORS)
    # The names `ganzoo presets --family` takes.
    assert all(key == name.lower() for key, name in commands.items())


@pytest.mark.parametrize("family", list(cli_train.GENERATORS))
def test_train_writes_a_preset_that_loads(family, folders, tmp_path, capsys):
    flat, classes = folders
    out = tmp_path / "preset"
    folder = classes if family in LABELLED else flat
    assert main(_train_argv(family, folder, out)) == 0
    printed = capsys.readouterr().out
    assert "Wrote the preset" in printed and "loss: " in printed  # progress bar
    # The silent compile of the first step is announced, then timed.
    compiling = printed.index("Compiling the training step on")
    first_step = printed.index("First step done in")
    assert compiling < first_step < printed.index("loss: ", compiling)
    assert printed.count("First step done in") == 1
    model = ganzoo.from_preset(str(out))
    assert type(model).__name__ == cli_train.GENERATORS[family]
    assert tuple(model.image_shape) == (SIZE, SIZE, 1)
    metadata = read_metadata(str(out))
    assert metadata["dataset"] == os.path.abspath(folder)
    if family in LABELLED:
        assert model.num_classes == 2
        assert metadata["class_names"] == ["cat", "dog"]  # sorted: cat is 0
    assert os.listdir(tmp_path / "preset_samples") == ["epoch_0001.png"]
    assert not (tmp_path / "preset_checkpoint").exists()
    assert model.generate(2, seed=0).shape == (2, SIZE, SIZE, 1)


def _interrupt_after_first_epoch(monkeypatch):
    """Ctrl-C after epoch 1's backup and grid (SampleGrid comes last)."""
    write_grid = ganzoo.SampleGrid.on_epoch_end

    def interrupted(self, epoch, logs=None):
        write_grid(self, epoch, logs)
        raise KeyboardInterrupt

    monkeypatch.setattr(ganzoo.SampleGrid, "on_epoch_end", interrupted)


@pytest.mark.parametrize("family", ["dcgan", "stackedgan"])
def test_an_interrupted_run_resumes(family, folders, tmp_path, capsys, monkeypatch):
    flat, classes = folders
    argv = _train_argv(
        family, flat if family == "dcgan" else classes, tmp_path / "p", 2
    )
    pretrained = []
    pretrain = ganzoo.StackedGAN.pretrain_encoder

    def counted(self, *args, **kwargs):
        pretrained.append(True)
        return pretrain(self, *args, **kwargs)

    monkeypatch.setattr(ganzoo.StackedGAN, "pretrain_encoder", counted)
    with monkeypatch.context() as patch:
        _interrupt_after_first_epoch(patch)
        assert main(argv) == 130
    err = capsys.readouterr().err
    assert "run the same command again to resume" in err
    assert os.listdir(tmp_path / "p_checkpoint")
    pretrained.clear()
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Epoch 2/2" in printed and "Epoch 1/2" not in printed
    assert not pretrained  # the backup holds StackedGAN's trained encoder
    assert sorted(os.listdir(tmp_path / "p_samples")) == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]
    assert not (tmp_path / "p_checkpoint").exists()
    assert read_metadata(str(tmp_path / "p"))["training_steps"] == 2 * (
        1 if family == "dcgan" else 2
    )


def test_train_on_bundled_and_local_mnist(tmp_path, capsys):
    # One family for both; batches of 100 keep the 4,000 bundled digits to
    # 40 steps (the local copy's 10 images are one step).
    tiny = ["--epochs", "1", "--batch-size", "100", "--latent-dim", "4"]
    out = tmp_path / "bundled"
    assert (
        main(["train", "cgan", "--dataset", "mnist_5k", "--out", str(out)] + tiny) == 0
    )
    model = ganzoo.from_preset(str(out))
    assert model.num_classes == 10 and tuple(model.image_shape) == (28, 28, 1)
    assert read_metadata(str(out))["dataset"] == "mnist_5k"
    copy = tmp_path / "mnist.npz"
    rng = np.random.default_rng(0)
    np.savez(
        copy,
        x_train=rng.integers(0, 256, (10, 28, 28), dtype="uint8"),
        y_train=np.arange(10),
        x_test=np.zeros((1, 28, 28), "uint8"),
        y_test=np.zeros(1, "int64"),
    )
    out = tmp_path / "local"
    argv = ["train", "cgan", "--dataset", "mnist", "--mnist-path", str(copy)]
    assert main(argv + ["--out", str(out)] + tiny) == 0
    assert read_metadata(str(out))["training_steps"] == 1
    capsys.readouterr()


def test_train_user_mistakes_exit_2(folders, tmp_path, capsys):
    flat, classes = folders
    out = ["--out", str(tmp_path / "p")]
    cases = [
        (["train", "dcgan"], "--images FOLDER or --dataset NAME"),
        (
            ["train", "dcgan", "--images", flat, "--dataset", "mnist_5k"],
            "give one of them",
        ),
        (["train", "cgan", "--images", flat], "one sub-folder of images per class"),
        (["train", "dcgan", "--a", flat], "--a applies to pix2pix and cyclegan"),
        (
            ["train", "cyclegan", "--images", flat],
            "--images applies to generator families",
        ),
        (
            ["train", "stackedgan", "--images", classes, "--latent-dim", "4"],
            "--latent-dim does not apply to stackedgan; its sizes are set with "
            "--option NAME=VALUE, NAME one of z0_dim, z1_dim",
        ),
        (
            ["train", "gan", "--images", flat, "--filters", "4"],
            "--filters does not apply to gan",
        ),
        (
            ["train", "dcgan", "--images", flat, "--option", "size=3"],
            "--option size: not an argument of dcgan. Its arguments: latent_dim",
        ),
        (["train", "dcgan", "--images", flat, "--option", "z"], "NAME=VALUE"),
        (
            ["train", "cgan", "--images", classes, "--option", "num_classes=3"],
            "--option num_classes: set by the data",
        ),
        (
            ["train", "dcgan", "--dataset", "mnist_5k", "--image-size", "32"],
            "--image-size applies to --images; mnist_5k images are 28x28",
        ),
        (["train", "dcgan", "--dataset", "mnist5k"], "Did you mean 'mnist_5k'?"),
        (
            ["train", "dcgan", "--dataset", "mnist_5k", "--mnist-path", flat],
            "--mnist-path is a local copy of MNIST, read with --dataset mnist",
        ),
        (
            ["train", "sgan", "--images", classes, "--num-labelled", "6"],
            "--num-labelled must be at least the number of classes and less "
            "than the number of images: 2 to 5 here",
        ),
        (["train", "dcgan", "--images", str(tmp_path / "nowhere")], "--images"),
        (
            ["train", "dcgan", "--images", flat, "--image-size", "6"],
            "image_shape",
        ),
    ]
    for argv, message in cases:
        assert message in _one_line_error(argv + out, capsys), argv
    assert "is not a ganzoo preset" in _one_line_error(
        ["train", "dcgan", "--images", flat, "--out", flat], capsys
    )
    assert not os.path.exists(tmp_path / "p")
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "bigan", "--images", flat] + out)
    assert exit_info.value.code == 2
    assert "unknown family 'bigan'; one of gan, dcgan" in capsys.readouterr().err


def test_family_names_ignore_case_and_separators():
    assert cli_train.family("Conditional_DCGAN") == "conditionaldcgan"
    assert cli_train.family("wgan-gp") == "wgangp"


@pytest.fixture(scope="module")
def small_presets(tmp_path_factory):
    """A 2-class CGAN with class names, a DCGAN and an InfoGAN, 8x8."""
    root = tmp_path_factory.mktemp("sample")
    shape = (SIZE, SIZE, 1)
    cgan = ganzoo.CGAN(image_shape=shape, num_classes=3, latent_dim=4, seed=0)
    names = {"class_names": ["cat", "dog", "owl"]}
    dcgan = ganzoo.DCGAN(image_shape=shape, latent_dim=4, filters=4, seed=0)
    infogan = ganzoo.InfoGAN(
        image_shape=shape, latent_dim=4, filters=4, num_categories=3, seed=0
    )
    return (
        cgan.save_to_preset(str(root / "cgan"), metadata=names),
        dcgan.save_to_preset(str(root / "dcgan")),
        infogan.save_to_preset(str(root / "infogan")),
    )


def _grid_size(rows, columns):
    return (columns * (SIZE + 2) + 2, rows * (SIZE + 2) + 2)


def test_sample_labels_make_one_row_per_class(small_presets, tmp_path, capsys):
    cgan, _, infogan = small_presets
    out = str(tmp_path / "grid.png")
    for extra, rows, columns in (
        ([], 3, 10),  # every class, 10 per row
        (["--labels", "0,2", "--num-images", "8"], 2, 4),
        (["--labels", "dog", "--num-images", "9"], 3, 3),  # one class: square
    ):
        assert main(["sample", cgan, "--out", out] + extra) == 0
        assert Image.open(out).size == _grid_size(rows, columns), extra
    assert "Wrote 9 samples" in capsys.readouterr().out
    # A row of the grid is the class: the same as generate with that label.
    assert main(["sample", cgan, "--out", out, "--labels", "2,owl"]) == 0
    grid = np.asarray(Image.open(out))
    expected = ganzoo.from_preset(cgan).generate(20, labels=np.full(20, 2), seed=0)
    first = ganzoo.images.to_uint8(expected[0])[..., 0]
    np.testing.assert_array_equal(grid[2:10, 2:10], first)
    assert main(["sample", infogan, "--out", out, "--category", "0,1"]) == 0
    assert Image.open(out).size == _grid_size(2, 10)
    argv = ["sample", infogan, "--out", out, "--continuous", "1,-1"]
    assert main(argv + ["--num-images", "4"]) == 0
    assert Image.open(out).size == _grid_size(2, 2)
    capsys.readouterr()


def test_sample_code_mistakes_exit_2(small_presets, tmp_path, capsys):
    cgan, dcgan, infogan = small_presets
    out = ["--out", str(tmp_path / "grid.png")]
    for argv, message in (
        (
            ["sample", dcgan, "--labels", "3"],
            "--labels applies to presets whose generator takes labels; "
            f"{dcgan!r} is a DCGAN, whose generator does not.",
        ),
        (
            ["sample", infogan, "--labels", "1"],
            "is a InfoGAN, whose generator does not; its codes are --category",
        ),
        (["sample", cgan, "--category", "1"], "--category applies to presets"),
        (["sample", cgan, "--labels", "3"], "class ids of this preset are 0 to 2"),
        (
            ["sample", cgan, "--labels", "fox"],
            "class names (the class names of this preset: cat, dog, owl)",
        ),
        (["sample", infogan, "--category", "a"], "comma-separated int values"),
        (["sample", "sgan_mnist", "--labels", "1"], "is a SGAN, whose generator"),
    ):
        assert message in _one_line_error(argv + out, capsys), argv


def test_sample_shipped_conditional_preset_by_rows(tmp_path, capsys):
    out = tmp_path / "digits.png"
    assert main(["sample", "cgan_mnist", "--out", str(out)]) == 0
    assert Image.open(out).size == (10 * 30 + 2, 10 * 30 + 2)
    assert "Wrote 100 samples" in capsys.readouterr().out
