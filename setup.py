"""Maps the top-level `weights/` folder into the package as `ganzoo._weights`.

Each preset folder in it (one holding a `config.json`) becomes the data-only
package `ganzoo._weights.<name>`, so that setuptools ships its files as that
package's data rather than warning that it would drop them. The recipe
scripts beside them stay in the repository: of `weights/`'s modules only
`__init__.py` is built. Everything else about the build is in pyproject.toml.
"""

import os

from setuptools import find_packages
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPresetsWithoutRecipes(build_py):
    """Builds `ganzoo._weights` without the recipe scripts in `weights/`."""

    def find_package_modules(self, package, package_dir):
        modules = super().find_package_modules(package, package_dir)
        if package == "ganzoo._weights":
            modules = [m for m in modules if m[1] == "__init__"]
        return modules


WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights")
PRESETS = sorted(
    name
    for name in os.listdir(WEIGHTS)
    if os.path.isfile(os.path.join(WEIGHTS, name, "config.json"))
)

setup(
    cmdclass={"build_py": BuildPresetsWithoutRecipes},
    packages=find_packages(include=["ganzoo", "ganzoo.*"])
    + ["ganzoo._weights"]
    + [f"ganzoo._weights.{name}" for name in PRESETS],
    package_dir={"ganzoo._weights": "weights"},
    package_data={
        **{f"ganzoo._weights.{name}": ["*"] for name in PRESETS},
        "ganzoo.datasets": ["mnist_5k.npz", "MNIST_5K_NOTICE.md"],
    },
)
