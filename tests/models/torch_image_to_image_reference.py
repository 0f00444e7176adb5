"""PyTorch versions of the pix2pix/CycleGAN reference generators, for tests.

Written here from the papers' descriptions and the module structure of the
authors' `networks.py`, so that `state_dict()` has the published key layout
(`model.1.weight`, `model.10.conv_block.5.weight`,
`model.model.1.model.3.model.1.weight`, ...). Tests fill them with random
weights, save them as the authors' `.pth` files are saved, convert them with
ganzoo and compare outputs.

Like the reference, the U-Net's down path uses an in-place LeakyReLU, which
overwrites the features a level later concatenates: the skip connection
carries the input after that LeakyReLU. The published weights were trained
so, and ganzoo's U-Net reproduces it.
"""

import numpy as np
import torch
from torch import nn


def norm_factory(norm):
    """A function `channels -> module` for `"batch"`, `"instance"` or None."""
    if norm == "batch":
        return lambda channels: nn.BatchNorm2d(channels)
    if norm == "instance":
        # The reference default: no scale/offset, no running statistics.
        return lambda channels: nn.InstanceNorm2d(channels)
    return lambda channels: nn.Identity()


class ResidualBlock(nn.Module):
    """pad, conv3, norm, ReLU, [dropout], pad, conv3, norm; plus the input."""

    def __init__(self, channels, norm, dropout):
        super().__init__()
        make_norm = norm_factory(norm)
        bias = norm == "instance"
        layers = [
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3, bias=bias),
            make_norm(channels),
            nn.ReLU(True),
        ]
        if dropout:
            layers.append(nn.Dropout(0.5))
        layers += [
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3, bias=bias),
            make_norm(channels),
        ]
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """CycleGAN's generator: 7x7 stem, 2 downs, residual blocks, 2 ups, 7x7."""

    def __init__(
        self,
        in_channels,
        out_channels,
        filters=64,
        norm="instance",
        dropout=False,
        num_blocks=9,
    ):
        super().__init__()
        make_norm = norm_factory(norm)
        bias = norm == "instance"
        layers = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(in_channels, filters, 7, bias=bias),
            make_norm(filters),
            nn.ReLU(True),
        ]
        width = filters
        for _ in range(2):
            layers += [
                nn.Conv2d(width, 2 * width, 3, stride=2, padding=1, bias=bias),
                make_norm(2 * width),
                nn.ReLU(True),
            ]
            width *= 2
        layers += [ResidualBlock(width, norm, dropout) for _ in range(num_blocks)]
        for _ in range(2):
            layers += [
                nn.ConvTranspose2d(
                    width,
                    width // 2,
                    3,
                    stride=2,
                    padding=1,
                    output_padding=1,
                    bias=bias,
                ),
                make_norm(width // 2),
                nn.ReLU(True),
            ]
            width //= 2
        layers += [
            nn.ReflectionPad2d(3),
            nn.Conv2d(width, out_channels, 7),
            nn.Tanh(),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class UnetLevel(nn.Module):
    """One U-Net level: down, the inner levels, up; concatenated to its input.

    `inner` is None at the innermost level; `outermost` levels return their
    output without the concatenation and end in tanh.
    """

    def __init__(
        self,
        outer_channels,
        inner_channels,
        in_channels=None,
        inner=None,
        outermost=False,
        norm="batch",
        dropout=False,
    ):
        super().__init__()
        self.outermost = outermost
        make_norm = norm_factory(norm)
        bias = norm == "instance"
        in_channels = outer_channels if in_channels is None else in_channels
        down = nn.Conv2d(in_channels, inner_channels, 4, stride=2, padding=1, bias=bias)
        if outermost:
            up = nn.ConvTranspose2d(
                2 * inner_channels, outer_channels, 4, stride=2, padding=1
            )
            layers = [down, inner, nn.ReLU(True), up, nn.Tanh()]
        elif inner is None:
            up = nn.ConvTranspose2d(
                inner_channels, outer_channels, 4, stride=2, padding=1, bias=bias
            )
            layers = [
                nn.LeakyReLU(0.2, True),
                down,
                nn.ReLU(True),
                up,
                make_norm(outer_channels),
            ]
        else:
            up = nn.ConvTranspose2d(
                2 * inner_channels, outer_channels, 4, stride=2, padding=1, bias=bias
            )
            layers = [
                nn.LeakyReLU(0.2, True),
                down,
                make_norm(inner_channels),
                inner,
                nn.ReLU(True),
                up,
                make_norm(outer_channels),
            ]
            if dropout:
                layers.append(nn.Dropout(0.5))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        # The in-place LeakyReLU has already overwritten `x` when it is read.
        return torch.cat([x, self.model(x)], 1)


class UnetGenerator(nn.Module):
    """pix2pix's U-Net, built from the innermost level out (num_downs >= 5)."""

    def __init__(
        self,
        in_channels,
        out_channels,
        num_downs=8,
        filters=64,
        norm="batch",
        dropout=True,
    ):
        super().__init__()
        level = UnetLevel(8 * filters, 8 * filters, norm=norm)
        for _ in range(num_downs - 5):
            level = UnetLevel(
                8 * filters, 8 * filters, inner=level, norm=norm, dropout=dropout
            )
        for multiplier in (4, 2, 1):
            level = UnetLevel(
                multiplier * filters, 2 * multiplier * filters, inner=level, norm=norm
            )
        self.model = UnetLevel(
            out_channels,
            filters,
            in_channels=in_channels,
            inner=level,
            outermost=True,
            norm=norm,
        )

    def forward(self, x):
        return self.model(x)


def randomize(module, seed=0):
    """Random weights and BatchNorm statistics that keep activations near 1.

    Kernels are drawn with standard deviation `1 / sqrt(fan_in)`, biases
    and BatchNorm offsets and means around 0 with deviation 0.1, scales
    around 1, variances in `[0.5, 1.5)`: every tensor differs, and outputs
    stay in the range where float32 rounding is far below the tolerance.
    """
    generator = torch.Generator().manual_seed(seed)

    def normal(tensor, mean, std):
        tensor.copy_(mean + std * torch.randn(tensor.shape, generator=generator))

    with torch.no_grad():
        for child in module.modules():
            if isinstance(child, (nn.Conv2d, nn.ConvTranspose2d)):
                kernel = child.weight
                fan_in = kernel[0].numel()
                if isinstance(child, nn.ConvTranspose2d):
                    fan_in = kernel.shape[0] * kernel[0, 0].numel() / 4
                normal(kernel, 0.0, fan_in**-0.5)
                if child.bias is not None:
                    normal(child.bias, 0.0, 0.1)
            elif isinstance(child, nn.BatchNorm2d):
                normal(child.weight, 1.0, 0.1)
                normal(child.bias, 0.0, 0.1)
                normal(child.running_mean, 0.0, 0.1)
                child.running_var.copy_(
                    torch.rand(child.running_var.shape, generator=generator) + 0.5
                )
    return module


def run(module, images, training=False):
    """Channels-last NumPy images through `module`, back to channels-last."""
    module.train(training)
    with torch.no_grad():
        outputs = module(torch.from_numpy(np.transpose(images, (0, 3, 1, 2))))
    return np.transpose(outputs.numpy(), (0, 2, 3, 1))


def save_state_dict(module, path, legacy_instance_norm=False):
    """Saves `module.state_dict()` as the authors' `.pth` files hold it.

    With `legacy_instance_norm`, every InstanceNorm module also gets the
    `running_mean`, `running_var` and `num_batches_tracked` entries that
    checkpoints written before PyTorch 0.4 carry.
    """
    state = module.state_dict()
    if legacy_instance_norm:
        for name, child in module.named_modules():
            if isinstance(child, nn.InstanceNorm2d):
                channels = child.num_features
                state[f"{name}.running_mean"] = torch.zeros(channels)
                state[f"{name}.running_var"] = torch.ones(channels)
                state[f"{name}.num_batches_tracked"] = torch.tensor(0)
    torch.save(state, path)
    return path
