"""One rank of a two-process PyTorch run, started by `torchrun`.

`python -m torch.distributed.run --standalone --nproc-per-node 2
torch_worker.py OUT FAMILY` trains a tiny model of FAMILY for a few steps
with ganzoo's unchanged `fit()`, and writes what `test_torch_distributed.py`
checks into OUT: every variable before the run, at its start and after each
step, the noise each rank draws, a sample grid and a preset (only rank 0
should write those), and the error an unsharded DataLoader gets.
"""

import os
import sys

import keras
import numpy as np
import torch
import torch.distributed as dist

import ganzoo
from tests.distributed.records import RecordSteps
from tests.distributed.records import save_variables
from tests.distributed.tiny import build
from tests.distributed.tiny import training_images


def main(out, family):
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    keras.utils.set_random_seed(100 + rank)  # ranks start from other weights
    model = build(family)
    model.compile()
    save_variables(model, f"{out}/rank{rank}_built.npz")
    model.fit(
        training_images(),
        batch_size=4,
        epochs=1,
        verbose=0,
        callbacks=[
            RecordSteps(out, rank),
            ganzoo.SampleGrid(f"{out}/grid_rank{rank}", num_images=4),
        ],
    )
    noise = keras.ops.convert_to_numpy(model.draw_latent(3))
    np.save(f"{out}/rank{rank}_noise.npy", noise)
    model.save_to_preset(f"{out}/preset_rank{rank}")

    images = torch.as_tensor(training_images())
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images), batch_size=4, drop_last=True
    )
    try:
        model.fit(loader, epochs=1, verbose=0)
        message = "no error"
    except ValueError as error:
        message = str(error)
    with open(f"{out}/rank{rank}_loader_error.txt", "w") as f:
        f.write(message)
    dist.destroy_process_group()


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main(*sys.argv[1:])
