"""Maps the top-level `weights/` folder into the package as `ganzoo._weights`.

Everything else about the build is in pyproject.toml.
"""

from setuptools import find_packages
from setuptools import setup

setup(
    packages=find_packages(include=["ganzoo", "ganzoo.*"]) + ["ganzoo._weights"],
    package_dir={"ganzoo._weights": "weights"},
    package_data={
        "ganzoo._weights": ["*.md", "*/*"],
        "ganzoo.datasets": ["mnist_5k.npz", "MNIST_5K_NOTICE.md"],
    },
)
