"""The benchmark nets of `npm run bench` in PyTorch, for the side-by-side ratios.

Usage: python3 bench/pytorch_bench.py --nets lenet5,vgg-small,resnet18 --steps 20 --threads 1,2

Prints one JSON object on stdout: {"torch": version, "results": [{net, threads, trainImagesPerSecond,
inferImagesPerSecond, stepMs: [...]}]}. The nets are built layer for layer as the studio's templates
build them (src/shared/templates): LeNet-5 with "same" padding on C1 below 32 pixels, the VGG-style
benchmark net, and torchvision's ResNet-18 (7x7/2 stem, 3x3/2 max-pool, basic blocks). Training is
batch 64, Adam (lr 1e-3), cross-entropy, on synthetic tensors made once (no data pipeline), as the
studio's training step does per batch: forward, backward, optimiser step.
"""

import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn


def lenet5(channels: int, classes: int) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(channels, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2),
        nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, classes),
    )


def vgg_small(channels: int, classes: int, size: int) -> nn.Module:
    def conv(cin: int, cout: int) -> list:
        # The template sets no activation: the studio's Conv2D and Dense default to relu.
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU()]
    flat = 64 * (size // 4) * (size // 4)
    return nn.Sequential(
        *conv(channels, 32), *conv(32, 32), nn.MaxPool2d(2, 2),
        *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, classes),
    )


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (self.proj(x) if self.proj is not None else x))


def resnet18(channels: int, classes: int) -> nn.Module:
    layers = [nn.Conv2d(channels, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, filters in enumerate([64, 128, 256, 512]):
        for b in range(2):
            layers.append(BasicBlock(cin, filters, 2 if stage > 0 and b == 0 else 1))
            cin = filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


NETS = {
    'lenet5': ((1, 28, 28), lambda: lenet5(1, 10)),
    'vgg-small': ((3, 32, 32), lambda: vgg_small(3, 10, 32)),
    'resnet18': ((3, 32, 32), lambda: resnet18(3, 10)),
}


def measure(net: str, threads: int, steps: int, batch: int, warmup: int) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    shape, build = NETS[net]
    model = build()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    step_ms = []
    model.train()
    for i in range(warmup + steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
        if i >= warmup:
            step_ms.append((time.perf_counter() - start) * 1000)
    model.eval()
    infer_ms = []
    with torch.no_grad():
        for i in range(warmup + steps):
            start = time.perf_counter()
            model(x).sum().item()
            if i >= warmup:
                infer_ms.append((time.perf_counter() - start) * 1000)
    train = statistics.median(step_ms)
    infer = statistics.median(infer_ms)
    return {
        'net': net,
        'threads': threads,
        'batch': batch,
        'steps': steps,
        'stepMs': [round(t, 2) for t in step_ms],
        'medianStepMs': round(train, 2),
        'trainImagesPerSecond': round(batch * 1000 / train, 1),
        'medianInferMs': round(infer, 2),
        'inferImagesPerSecond': round(batch * 1000 / infer, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--nets', default='lenet5,vgg-small,resnet18')
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--threads', default='1,2')
    args = parser.parse_args()
    results = []
    for net in [n for n in args.nets.split(',') if n]:
        if net not in NETS:
            print(f'unknown net {net}', file=sys.stderr)
            sys.exit(2)
        for threads in [int(t) for t in args.threads.split(',') if t]:
            results.append(measure(net, threads, args.steps, args.batch, args.warmup))
    print(json.dumps({'torch': torch.__version__, 'python': sys.version.split()[0], 'results': results}))


if __name__ == '__main__':
    main()
