"""`ganzoo export`: a preset's sampling network as a file to serve.

Writes a TensorFlow SavedModel, an ONNX file, a LiteRT file or a
`torch.export` program of a preset (or a model saved with
`save_to_preset`), checked against the Keras model as `BaseGAN.export`
checks it. Registered by `ganzoo.cli.build_parser`.
"""

import argparse

EXPORT_EXAMPLES = """examples:
  ganzoo export dcgan_mnist --format onnx --out dcgan.onnx
  ganzoo export cdcgan_mnist --format tf_saved_model --out cdcgan_savedmodel
  ganzoo export cyclegan_horse2zebra --format onnx --uint8 --out horse2zebra.onnx
  ganzoo export my_cyclegan/ --format onnx --direction b_to_a --out b_to_a.onnx
  KERAS_BACKEND=tensorflow ganzoo export dcgan_mnist --format litert --out dcgan.tflite
  KERAS_BACKEND=torch ganzoo export dcgan_mnist --format torch --out dcgan.pt2

formats by backend (KERAS_BACKEND):
  tensorflow  tf_saved_model, onnx, litert
  jax         tf_saved_model, onnx
  torch       onnx, torch
"""


def add_command(sub):
    """Adds the `export` sub-command to `sub`, the `ganzoo` sub-parsers."""
    from ganzoo.export import FORMATS

    p = sub.add_parser(
        "export",
        help="write a preset's generator as SavedModel, ONNX, LiteRT or torch",
        description="Exports the network a preset samples or translates with "
        "(in inference mode, batch size open) as a file that serves without "
        "ganzoo, reloads it with its runtime, and keeps it only if its "
        "outputs match the Keras model's (max abs difference 1e-4, or one "
        "grey level with --uint8). Needs the export extra: "
        'pip install "keras-ganzoo[export]".',
        epilog=EXPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument(
        "--out",
        required=True,
        help="file to write (.onnx, .tflite, .pt2), or folder for tf_saved_model",
    )
    p.add_argument(
        "--direction",
        choices=("a_to_b", "b_to_a"),
        help="CycleGAN only (default a_to_b)",
    )
    p.add_argument(
        "--uint8",
        action="store_true",
        help="return uint8 images (0-255); image-to-image exports also take them",
    )
    p.set_defaults(run=cmd_export)


def cmd_export(args):
    """Runs `ganzoo export`; returns the exit status."""
    from ganzoo.cli import checks
    from ganzoo.export import formats

    try:
        formats.check_format(args.format)
    except ImportError as error:  # a user's fix: printed as one line
        raise ValueError(str(error)) from error
    out = formats.check_path(args.out, args.format)
    if args.format in formats.SUFFIXES:
        checks.writable_file(out, "--out")
    import ganzoo
    from ganzoo.export import serving

    model = ganzoo.from_preset(args.preset)
    if args.direction is not None and not isinstance(model, ganzoo.CycleGAN):
        raise ValueError(
            f"--direction applies to CycleGAN presets; {args.preset!r} is a "
            f"{type(model).__name__}."
        )
    model.export(
        out,
        format=args.format,
        direction=args.direction,
        uint8_output=args.uint8,
        uint8_input=args.uint8 and serving.is_image_to_image(model),
    )
    return 0
