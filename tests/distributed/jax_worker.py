"""One process of a two-process JAX run over `keras.distribution`.

`python jax_worker.py OUT FAMILY PROCESS_ID PORT` joins the other process
on 127.0.0.1:PORT (JAX's CPU collectives over gloo), trains a tiny model of
FAMILY with `DataParallel` over both processes' devices and ganzoo's
unchanged `fit()`, and writes into OUT every variable at the start of the
run and after each step, a sample grid and a preset (only process 0 should
write those).
"""

import os
import sys

os.environ["KERAS_BACKEND"] = "jax"

import jax  # noqa: E402

jax.config.update("jax_cpu_collectives_implementation", "gloo")

import keras  # noqa: E402
from jax.experimental import multihost_utils  # noqa: E402

import ganzoo  # noqa: E402
from tests.distributed.records import RecordSteps  # noqa: E402
from tests.distributed.tiny import build  # noqa: E402
from tests.distributed.tiny import training_images  # noqa: E402


def main(out, family, process_id, port):
    process_id = int(process_id)
    keras.distribution.initialize(
        f"127.0.0.1:{port}", num_processes=2, process_id=process_id
    )
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=keras.distribution.list_devices())
    )
    keras.utils.set_random_seed(100)  # JAX requires the same values
    model = build(family)
    model.compile()
    model.fit(
        training_images(),
        batch_size=4,
        epochs=1,
        verbose=0,
        callbacks=[
            RecordSteps(out, process_id),
            ganzoo.SampleGrid(f"{out}/grid_rank{process_id}", num_images=4),
        ],
    )
    model.save_to_preset(f"{out}/preset_rank{process_id}")
    # The others wait while process 0 writes, as JAX's shutdown requires.
    multihost_utils.sync_global_devices("preset written")


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main(*sys.argv[1:])
