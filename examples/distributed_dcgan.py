"""Train a DCGAN over several processes or machines with the same `fit()`.

PyTorch, 2 processes on one machine (gloo on CPUs, NCCL on GPUs):

    KERAS_BACKEND=torch torchrun --standalone --nproc-per-node 2 \\
        examples/distributed_dcgan.py --epochs 20

JAX, one command per process (here two on one machine; on several
machines, give every process the first machine's address):

    KERAS_BACKEND=jax python examples/distributed_dcgan.py --epochs 20 \\
        --coordinator 127.0.0.1:12345 --num-processes 2 --process-id 0 &
    KERAS_BACKEND=jax python examples/distributed_dcgan.py --epochs 20 \\
        --coordinator 127.0.0.1:12345 --num-processes 2 --process-id 1

TensorFlow, one command per worker, each with the cluster and its own
index in `TF_CONFIG` (here two workers on one machine; on several
machines, their addresses):

    TF_CONFIG='{"cluster": {"worker": ["127.0.0.1:12345", "127.0.0.1:12346"]},
        "task": {"type": "worker", "index": 0}}' KERAS_BACKEND=tensorflow \\
        python examples/distributed_dcgan.py --epochs 20 &
    TF_CONFIG='{"cluster": {"worker": ["127.0.0.1:12345", "127.0.0.1:12346"]},
        "task": {"type": "worker", "index": 1}}' KERAS_BACKEND=tensorflow \\
        python examples/distributed_dcgan.py --epochs 20

Without any of these, it trains in one process. `--batch-size` is each
process's share of a step (on TensorFlow, each device's). Only the first
process writes the sample grids and the preset.
"""

import argparse
import contextlib
import os

import keras

import ganzoo


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", default=os.path.join("outputs", "distributed"))
    parser.add_argument("--coordinator", help="JAX: HOST:PORT of process 0")
    parser.add_argument("--num-processes", type=int, default=1)
    parser.add_argument("--process-id", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="tiny, to check it runs")
    return parser.parse_args(argv)


def join(args):
    """Joins the other processes, if any, on the active backend.

    Returns the context to make the model in, and the number of processes.
    """
    if keras.backend.backend() == "tensorflow" and "TF_CONFIG" in os.environ:
        import tensorflow as tf

        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        return strategy.scope(), strategy.num_replicas_in_sync
    if keras.backend.backend() == "torch" and "RANK" in os.environ:
        import torch
        import torch.distributed as dist

        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    elif keras.backend.backend() == "jax" and args.coordinator:
        import jax

        jax.config.update("jax_cpu_collectives_implementation", "gloo")  # CPUs
        keras.distribution.initialize(
            args.coordinator, args.num_processes, args.process_id
        )
        keras.distribution.set_distribution(
            keras.distribution.DataParallel(devices=keras.distribution.list_devices())
        )
    return contextlib.nullcontext(), 1


def leave():
    """Waits for the others (process 0 may still be writing), then leaves."""
    if keras.backend.backend() == "torch" and "RANK" in os.environ:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()
    elif keras.backend.backend() == "jax" and keras.distribution.distribution():
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices("done")


def main(argv=None):
    args = parse_args(argv)
    scope, replicas = join(args)
    keras.utils.set_random_seed(0)  # the same weights in every process
    images, _ = ganzoo.datasets.load("mnist_5k")
    size = dict(latent_dim=8, filters=4) if args.quick else {}
    if args.quick:
        images, args.epochs, args.batch_size = images[:64], 1, 8
    with scope:  # TensorFlow: the strategy's
        model = ganzoo.DCGAN(image_shape=(28, 28, 1), seed=0, **size)
        model.compile()
    model.fit(
        images,
        # tf.distribute's batch is the global one; the others' each process's.
        batch_size=args.batch_size * replicas,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(args.out, "grids"))],
        verbose=2 if ganzoo.backend.is_chief() else 0,
    )
    model.save_to_preset(os.path.join(args.out, "preset"))
    leave()


if __name__ == "__main__":
    main()
