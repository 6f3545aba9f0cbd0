#!/usr/bin/python3
"""The seed network trained with PyTorch at its fastest CPU settings here (2 threads,
channels_last, Adam), as the peer for our trainer. Prints images per second.

The network matches trainer/architecture/include/tinydigit/trainer/architecture.hpp: conv -> BN -> ReLU,
ZeroPad folded into the conv padding (conv1 pads 3, conv3 pads 2), Keras BN epsilon 1e-3 and
momentum 0.99 (PyTorch momentum 0.01), inverted dropout, Adam (lr 1e-3, eps 1e-7).
Inputs are random (no augmentation or data loading), which flatters PyTorch slightly.
"""
import argparse
import time

import torch
from torch import nn

SEED_CHANNELS = (32, 32, 64, 64, 256, 256)
COMPACT_CHANNELS = (16, 16, 32, 32, 64, 64)
# (kernel, padding, pool after, dropout after) per conv, as in architecture.hpp
CONVS = ((5, 3, False, 0.0), (5, 2, True, 0.2), (3, 2, False, 0.0), (3, 1, True, 0.2),
         (3, 1, False, 0.0), (3, 1, True, 0.3))


def make_network(channels, dense_units):
    layers, in_ch, size = [], 1, 28
    for out_ch, (kernel, padding, pool, dropout) in zip(channels, CONVS):
        layers += [nn.Conv2d(in_ch, out_ch, kernel, padding=padding),
                   nn.BatchNorm2d(out_ch, eps=1e-3, momentum=0.01), nn.ReLU()]
        size = size + 2 * padding - kernel + 1
        if pool:
            layers.append(nn.MaxPool2d(2))
            size //= 2
        if dropout:
            layers.append(nn.Dropout(dropout))
        in_ch = out_ch
    layers += [nn.Flatten(), nn.Linear(in_ch * size * size, dense_units), nn.ReLU(), nn.Dropout(0.4),
               nn.Linear(dense_units, 10)]
    return nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--arch", choices=("seed", "compact"), default="seed")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    channels, dense = (SEED_CHANNELS, 128) if args.arch == "seed" else (COMPACT_CHANNELS, 64)
    model = make_network(channels, dense).to(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    batches = [(torch.rand(args.batch, 1, 28, 28).contiguous(memory_format=torch.channels_last),
                torch.randint(0, 10, (args.batch,))) for _ in range(8)]

    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            start = time.perf_counter()
        x, y = batches[step % len(batches)]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - start
    print(f"{args.batch * args.steps / seconds:.1f}")


if __name__ == "__main__":
    main()
