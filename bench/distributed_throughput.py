#!/usr/bin/env python
"""Steps per second of `fit()` in 1 and in 2 processes, one core each.

    KERAS_BACKEND=torch .venv/bin/python bench/distributed_throughput.py
    KERAS_BACKEND=jax .venv/bin/python bench/distributed_throughput.py
    KERAS_BACKEND=tensorflow .venv/bin/python bench/distributed_throughput.py

For 1 and for 2 processes, starts the processes as users do (PyTorch:
`torchrun --standalone`; JAX: one process each, joined by
`keras.distribution.initialize` on a free loopback port, with gloo CPU
collectives; TensorFlow: one worker each, joined by
`MultiWorkerMirroredStrategy` from `TF_CONFIG` over gRPC on loopback
ports), each pinned to its own core with one thread. Every process trains
`ganzoo.DCGAN(image_shape=(28, 28, 1))` on random images with 64 images
per process, so 2 processes train on a global batch of 128. Process 0
times `--steps` steps after `--warmup-steps` untimed ones and reports
steps/s and images/s; the scaling efficiency is the 2-process images/s
over twice the 1-process images/s.

Prints one markdown row per process count.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worker(args):
    import keras

    backend = keras.backend.backend()
    if backend == "torch":
        import torch.distributed as dist

        dist.init_process_group("gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        rank, world = args.process_id, args.num_processes
        if world > 1:
            workers = [f"127.0.0.1:{port}" for port in args.ports.split(",")]
            task = {"type": "worker", "index": rank}
            cluster = {"cluster": {"worker": workers}, "task": task}
            os.environ["TF_CONFIG"] = json.dumps(cluster)
            strategy = tf.distribute.MultiWorkerMirroredStrategy()
            scope = strategy.scope()
    else:
        import jax

        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        rank, world = args.process_id, args.num_processes
        if world > 1:
            keras.distribution.initialize(
                f"127.0.0.1:{args.ports.split(',')[0]}",
                num_processes=world,
                process_id=rank,
            )
            keras.distribution.set_distribution(
                keras.distribution.DataParallel(
                    devices=keras.distribution.list_devices()
                )
            )
    import contextlib

    import numpy as np

    import ganzoo

    if backend != "tensorflow" or world == 1:
        scope = contextlib.nullcontext()
    keras.utils.set_random_seed(0)
    steps = args.warmup_steps + args.steps
    images = np.random.default_rng(0).uniform(
        -1, 1, (steps * args.batch_size * world, 28, 28, 1)
    )
    with scope:
        model = ganzoo.DCGAN(image_shape=(28, 28, 1), seed=0)
        model.compile()
    times = {}

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch + 1 in (args.warmup_steps, steps):
                float(logs["loss"])  # waits for the step to finish
                times[batch + 1] = time.perf_counter()

    # tf.distribute's batch is the global one.
    global_batch = backend == "tensorflow" and world > 1
    model.fit(
        images.astype("float32"),
        batch_size=args.batch_size * (world if global_batch else 1),
        epochs=1,
        verbose=0,
        callbacks=[Clock()],
    )
    if rank == 0:
        seconds = times[steps] - times[args.warmup_steps]
        with open(args.out, "w") as f:
            json.dump(
                {
                    "processes": world,
                    "steps_per_s": args.steps / seconds,
                    "images_per_s": args.steps * args.batch_size * world / seconds,
                },
                f,
            )
    if backend == "torch":
        dist.barrier()
        dist.destroy_process_group()
    elif world > 1:
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices("done")


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def launch(args, processes, out):
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=ROOT)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    me = [os.path.abspath(__file__), "--worker", "--out", out]
    me += ["--steps", str(args.steps), "--warmup-steps", str(args.warmup_steps)]
    me += ["--batch-size", str(args.batch_size)]
    if os.environ.get("KERAS_BACKEND") == "torch":
        # torchrun's own workers inherit its core set; each pins itself.
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        command += [f"--nproc-per-node={processes}", *me, "--pin"]
        subprocess.run(command, env=env, check=True, timeout=args.timeout)
        return
    ports = ",".join(str(port) for port in free_ports(processes))
    running = [
        subprocess.Popen(
            ["taskset", "-c", str(i), sys.executable, *me]
            + ["--process-id", str(i), "--num-processes", str(processes)]
            + ["--ports", ports],
            env=env,
        )
        for i in range(processes)
    ]
    for process in running:
        if process.wait(timeout=args.timeout) != 0:
            raise SystemExit(f"a worker failed (exit {process.returncode})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup-steps", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pin", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--process-id", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--num-processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--ports", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.pin:
            os.sched_setaffinity(0, {int(os.environ["LOCAL_RANK"])})
        worker(args)
        return
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for processes in (1, 2):
            out = os.path.join(tmp, f"{processes}.json")
            launch(args, processes, out)
            with open(out) as f:
                results.append(json.load(f))
    single = results[0]["images_per_s"]
    print("| backend | processes | steps/s | images/s | scaling efficiency |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        efficiency = r["images_per_s"] / (single * r["processes"])
        print(
            f"| {backend} | {r['processes']} | {r['steps_per_s']:.2f} | "
            f"{r['images_per_s']:.0f} | {efficiency:.2f} |"
        )


if __name__ == "__main__":
    main()
