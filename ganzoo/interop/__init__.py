"""Other frameworks' files: PyTorch checkpoints, TensorBoard events, exports.

`ganzoo.backend` is the training engine; this package holds the rest of
the code that imports TensorFlow or PyTorch directly, always lazily and
only for one job each:

- `torch_checkpoint`: reads published PyTorch `state_dict` files (the FID
  Inception network, the CycleGAN and pix2pix authors' generators).
- `tensorboard_images`: writes sample grids to TensorBoard event files.
- `export_runtimes`: reloads exported SavedModels and `torch.export`
  programs to check their outputs.

Model code never imports from here; like `ganzoo/backend/`, it is exempt
from the lint rule that keeps frameworks out of the rest of the package.
"""
