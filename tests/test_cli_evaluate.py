import json

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo import cli
from ganzoo.cli import evaluate
from ganzoo.metrics import InceptionFeatures
from ganzoo.metrics import compute_metric
from tests.metrics.inception_stand_in import stand_in_network
from tests.testing import fake_images


def _image_folder(folder, num_images, seed):
    folder.mkdir()
    for i, image in enumerate(
        ganzoo.images.to_uint8(fake_images(num_images, (28, 28, 1), seed))
    ):
        Image.fromarray(image[:, :, 0]).save(folder / f"{i:03d}.png")
    return str(folder)


@pytest.fixture(scope="module")
def extractor():
    return InceptionFeatures(stand_in_network(), batch_size=16, progress=True)


def test_evaluate_a_preset_against_a_folder_then_saved_statistics(
    extractor, tmp_path, capsys
):
    real = _image_folder(tmp_path / "real", 24, seed=1)
    model = evaluate._evaluation_source("gan_mnist")
    stats = str(tmp_path / "real.npz")
    first = compute_metric(
        "fid",
        model,
        real,
        num_images=20,
        seed=1,
        extractor=extractor,
        save_reference_statistics=stats,
    )
    assert (first.num_generated, first.num_real) == (20, 24) and first.value > 0
    assert "reference: [" in capsys.readouterr().err  # the progress bar
    again = compute_metric(
        "fid", model, stats, num_images=20, seed=1, extractor=extractor
    )
    assert again.value == pytest.approx(first.value, rel=1e-6)
    kid = compute_metric("kid", real, real, extractor=extractor)
    assert kid.num_real == kid.num_generated == 24 and np.isfinite(kid.value)
    score = compute_metric("is", real, extractor=extractor)
    assert score.num_real is None and score.value >= 1


def test_a_folder_source_stays_a_folder(tmp_path):
    folder = _image_folder(tmp_path / "images", 2, seed=0)
    assert evaluate._evaluation_source(folder) == folder


def _one_line_error(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ganzoo evaluate: error:")
    return err[0]


def test_user_mistakes_exit_2_before_any_network(tmp_path, capsys):
    real = _image_folder(tmp_path / "real", 3, seed=0)
    missing = str(tmp_path / "nowhere")
    assert "Closest" in _one_line_error(
        ["evaluate", "dcgan_mnst", "--against", real], capsys
    )
    assert "existing folder" in _one_line_error(
        ["evaluate", real, "--against", missing], capsys
    )
    assert "reference" in _one_line_error(["evaluate", real], capsys)
    assert "no reference" in _one_line_error(
        ["evaluate", real, "--metric", "is", "--against", real], capsys
    )
    np.savez(tmp_path / "s.npz", mu=np.zeros(2), sigma=np.eye(2))
    assert "FID only" in _one_line_error(
        ["evaluate", real, "--metric", "kid", "--against", str(tmp_path / "s.npz")],
        capsys,
    )
    assert "No statistics file" in _one_line_error(
        ["evaluate", real, "--against", str(tmp_path / "absent.npz")], capsys
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no image file" in _one_line_error(
        ["evaluate", str(empty), "--against", real], capsys
    )
    assert "No folder of images or preset" in _one_line_error(
        ["evaluate", missing, "--against", real], capsys
    )
    under_a_file = str(tmp_path / "s.npz" / "real.npz")
    assert "--save-stats" in _one_line_error(
        ["evaluate", real, "--against", real, "--save-stats", under_a_file], capsys
    )
    for bad in (["--metric", "lpips"], ["--num-images", "0"], ["--resize", "x"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["evaluate", real, "--against", real, *bad])
        assert exit_info.value.code == 2


def test_result_printing(monkeypatch, capsys):
    result = ganzoo.metrics.MetricResult("kid", 0.0123, 0.001, 100, 50)
    monkeypatch.setattr(
        ganzoo.metrics.standard, "compute_metric", lambda *args, **kwargs: result
    )
    assert (
        cli.main(["evaluate", "gan_mnist", "--against", "x.npz", "--metric", "kid"])
        == 0
    )
    assert (
        capsys.readouterr().out.strip()
        == "kid: 0.0123 ± 0.001 (100 images vs 50 reference)"
    )
    assert cli.main(["evaluate", "gan_mnist", "--against", "x.npz", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["num_real"] == 50
