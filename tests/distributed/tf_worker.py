"""One worker of a two-worker TensorFlow run (`MultiWorkerMirroredStrategy`).

`python tf_worker.py OUT FAMILY INDEX PORT0 PORT1` joins the other worker
over gRPC on 127.0.0.1 (`TF_CONFIG`), builds a tiny model of FAMILY under
the strategy (each worker from other weights), trains it with ganzoo's
unchanged `fit()`, and writes what `test_tensorflow_distributed.py` checks
into OUT: every variable before the run, at its start and after each step,
the noise each worker's replica draws, what `ganzoo.backend.agree` makes of
a value that differs between the workers, a sample grid and a preset (only
the chief, worker 0, should write those).
"""

import json
import os
import sys

os.environ["KERAS_BACKEND"] = "tensorflow"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main(out, family, index, port0, port1):
    index = int(index)
    workers = [f"127.0.0.1:{port0}", f"127.0.0.1:{port1}"]
    os.environ["TF_CONFIG"] = json.dumps(
        {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy()

    import keras

    import ganzoo
    from tests.distributed.records import RecordSteps
    from tests.distributed.records import save_variables
    from tests.distributed.tiny import build
    from tests.distributed.tiny import training_images

    keras.utils.set_random_seed(100 + index)  # workers start from other weights
    with strategy.scope():
        model = build(family)
        model.compile()
    save_variables(model, f"{out}/rank{index}_built.npz")
    model.fit(
        training_images(),
        batch_size=8,  # tf.distribute's batch is the global one: 4 a worker
        epochs=1,
        verbose=0,
        callbacks=[
            RecordSteps(out, index),
            ganzoo.SampleGrid(f"{out}/grid_rank{index}", num_images=4),
        ],
    )
    noise = strategy.run(tf.function(lambda: model.draw_latent(3)))
    local = strategy.experimental_local_results(noise)[0]
    np.save(f"{out}/rank{index}_noise.npy", keras.ops.convert_to_numpy(local))
    with ganzoo.backend.distribution_scope(model):
        agreed = ganzoo.backend.agree(100 + index)
    with open(f"{out}/rank{index}_agreed.json", "w") as f:
        json.dump(agreed, f)
    model.save_to_preset(f"{out}/preset_rank{index}")


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main(*sys.argv[1:])
