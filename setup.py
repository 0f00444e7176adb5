"""Maps the top-level `weights/` folder into the package as `ganzoo._weights`.

Each preset folder in it (one holding a `config.json`) becomes the data-only
package `ganzoo._weights.<name>`, so that setuptools ships its files as that
package's data rather than warning that it would drop them. Everything else
about the build is in pyproject.toml.
"""

import os

from setuptools import find_packages
from setuptools import setup

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights")
PRESETS = sorted(
    name
    for name in os.listdir(WEIGHTS)
    if os.path.isfile(os.path.join(WEIGHTS, name, "config.json"))
)

setup(
    packages=find_packages(include=["ganzoo", "ganzoo.*"])
    + ["ganzoo._weights"]
    + [f"ganzoo._weights.{name}" for name in PRESETS],
    package_dir={"ganzoo._weights": "weights"},
    package_data={
        **{f"ganzoo._weights.{name}": ["*"] for name in PRESETS},
        "ganzoo.datasets": ["mnist_5k.npz", "MNIST_5K_NOTICE.md"],
    },
)
