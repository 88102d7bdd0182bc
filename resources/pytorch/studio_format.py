"""The CNN Studio file formats this package reads and writes.

A run folder written by train.py is a studio run folder, so `cnn-studio import-run`, evaluation,
visualisation and ONNX export read it like a run trained in the studio:

    run.json              identity and state; `status` says whether the run completed
    project.cnnstudio     the project, with the training settings the run used
    labels.json           class names in output order
    preprocessing.json    how images become the network's input
    dataset-report.json   images per split and class, files that were skipped
    metrics.jsonl         one event per line (start, batch, epoch, checkpoint, status, done, error)
    checkpoints/epoch-NNNN/  weights.json + weights.bin, state.json, torch-state.pt
    checkpoints/best/     the epoch with the lowest validation loss
    weights/              the final weights

Weights are float32, little-endian, by studio node id and role, in TF.js's layouts: a Conv2D kernel is
[kh, kw, in, out] (HWIO), a Dense kernel [inputs, units], a depthwise kernel [kh, kw, C, M]. PyTorch
holds them as [out, in, kh, kw], [units, inputs] and [C*M, 1, kh, kw]; the conversion is in
`studio_to_torch` and `torch_to_studio`.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone

import numpy as np
import torch

WEIGHTS_MANIFEST = "weights.json"
WEIGHTS_BINARY = "weights.bin"
WEIGHT_ROLES = ("kernel", "bias", "gamma", "beta", "movingMean", "movingVariance", "depthwiseKernel", "pointwiseKernel")

# The PyTorch tensor of each studio role, per kind of layer (see STUDIO_NODES in model.py).
TORCH_NAMES = {
    "conv2d": {"kernel": "weight", "bias": "bias"},
    "dense": {"kernel": "weight", "bias": "bias"},
    "batch_norm": {"gamma": "weight", "beta": "bias", "movingMean": "running_mean", "movingVariance": "running_var"},
    # nn.Conv2d(C, C*M, groups=C): the studio's [kh, kw, C, M] kernel is PyTorch's [C*M, 1, kh, kw].
    "depthwise": {"kernel": "weight", "bias": "bias"},
    # model.py's SeparableConv2d: a depthwise nn.Conv2d, then a 1x1 nn.Conv2d with the bias.
    "separable": {"depthwiseKernel": "depthwise.weight", "pointwiseKernel": "pointwise.weight", "bias": "pointwise.bias"},
}
# The roles that are kernels (L2 weight decay applies to them, not to biases or BatchNorm).
KERNEL_ROLES = ("kernel", "depthwiseKernel", "pointwiseKernel")


class StudioFormatError(Exception):
    """A file of the studio's formats that cannot be used; the message names the file."""


def now_iso():
    """The time as JavaScript's toISOString writes it (UTC, milliseconds, Z)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_file_atomic(path, data):
    """Writes a whole file or nothing: a temporary file beside it, flushed, then renamed into place."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def write_json(path, value, indent=2):
    write_file_atomic(path, json.dumps(value, indent=indent, ensure_ascii=False) + "\n")


def read_json(path):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise StudioFormatError(f"{path} is not valid JSON ({error.msg} at line {error.lineno}).") from error


# Weights ------------------------------------------------------------------------------------------


def read_weights_folder(folder):
    """weights.json + weights.bin -> {node: {role: float32 array in the studio's layout}}."""
    manifest_path = os.path.join(folder, WEIGHTS_MANIFEST)
    binary_path = os.path.join(folder, WEIGHTS_BINARY)
    if not os.path.isfile(manifest_path) or not os.path.isfile(binary_path):
        raise StudioFormatError(f"{folder} holds no studio weights (weights.json and weights.bin).")
    manifest = read_json(manifest_path)
    if not isinstance(manifest, dict) or manifest.get("format") != "cnn-studio/weights":
        raise StudioFormatError(f"{manifest_path} is not a studio weights manifest.")
    data = np.fromfile(binary_path, dtype="<f4")
    out = {}
    for entry in manifest.get("tensors", []):
        shape = [int(d) for d in entry["shape"]]
        size = int(np.prod(shape)) if shape else 1
        offset = int(entry["offset"])
        if entry["role"] not in WEIGHT_ROLES or offset < 0 or offset + size > data.size:
            raise StudioFormatError(f"{manifest_path}: the tensor {entry['node']}/{entry['role']} lies outside {WEIGHTS_BINARY}.")
        out.setdefault(entry["node"], {})[entry["role"]] = data[offset : offset + size].reshape(shape).astype(np.float32)
    return out


def write_weights_folder(folder, weights):
    """Writes weights.bin, then weights.json (last, so a manifest always has its whole binary)."""
    tensors = []
    chunks = []
    offset = 0
    for node in sorted(weights):
        for role in WEIGHT_ROLES:
            value = weights[node].get(role)
            if value is None:
                continue
            array = np.ascontiguousarray(value, dtype="<f4")
            tensors.append({"node": node, "role": role, "shape": list(array.shape), "offset": offset})
            chunks.append(array.tobytes())
            offset += array.size
    write_file_atomic(os.path.join(folder, WEIGHTS_BINARY), b"".join(chunks))
    manifest = {"format": "cnn-studio/weights", "version": 1, "tensors": tensors}
    write_file_atomic(os.path.join(folder, WEIGHTS_MANIFEST), json.dumps(manifest, separators=(",", ":")) + "\n")


def module_tensor(module, name):
    """A submodule's parameter or buffer by dotted name ("weight", "depthwise.weight"), or None."""
    *path, last = name.split(".")
    for part in path:
        module = getattr(module, part, None)
        if module is None:
            return None
    return getattr(module, last, None)


def _is_depthwise(layout, role):
    return (layout == "depthwise" and role == "kernel") or (layout == "separable" and role == "depthwiseKernel")


def _to_torch_layout(layout, role, value):
    if _is_depthwise(layout, role):
        kh, kw, channels, multiplier = value.shape
        return np.transpose(value.reshape(kh, kw, channels * multiplier, 1), (2, 3, 0, 1))  # [kh, kw, C, M] -> [C*M, 1, kh, kw]
    if (role == "kernel" and layout == "conv2d") or (role == "pointwiseKernel" and layout == "separable"):
        return np.transpose(value, (3, 2, 0, 1))  # HWIO -> OIHW
    if role == "kernel" and layout == "dense":
        return np.transpose(value, (1, 0))  # [inputs, units] -> [units, inputs]
    return value


def _to_studio_layout(layout, role, value, module):
    if _is_depthwise(layout, role):
        groups = (module.depthwise if layout == "separable" else module).groups
        depth, _one, kh, kw = value.shape
        return np.transpose(value, (2, 3, 0, 1)).reshape(kh, kw, groups, depth // groups)  # [C*M, 1, kh, kw] -> [kh, kw, C, M]
    if (role == "kernel" and layout == "conv2d") or (role == "pointwiseKernel" and layout == "separable"):
        return np.transpose(value, (2, 3, 1, 0))  # OIHW -> HWIO
    if role == "kernel" and layout == "dense":
        return np.transpose(value, (1, 0))
    return value


def torch_to_studio(model):
    """The model's weights as the studio's weight set (copies, on the CPU, float32)."""
    out = {}
    for node, (attribute, layout) in model.STUDIO_NODES.items():
        module = getattr(model, attribute)
        entry = {}
        for role, name in TORCH_NAMES[layout].items():
            tensor = module_tensor(module, name)
            if tensor is None:
                continue
            entry[role] = _to_studio_layout(layout, role, tensor.detach().float().cpu().numpy(), module).copy()
        out[node] = entry
    return out


def studio_to_torch(model, weights, source):
    """Sets every weight of the model from a studio weight set; all are checked before any is written."""
    writes = []
    for node, (attribute, layout) in model.STUDIO_NODES.items():
        module = getattr(model, attribute)
        for role, name in TORCH_NAMES[layout].items():
            tensor = module_tensor(module, name)
            if tensor is None:
                continue
            value = weights.get(node, {}).get(role)
            if value is None:
                raise StudioFormatError(f"{source} hold no {role} for layer {node}; the weights belong to another network.")
            value = _to_torch_layout(layout, role, value)
            if tuple(value.shape) != tuple(tensor.shape):
                raise StudioFormatError(
                    f"{source} give layer {node} a {role} of shape {list(value.shape)} (PyTorch layout), but the layer needs {list(tensor.shape)}."
                )
            writes.append((tensor, value))
    with torch.no_grad():
        for tensor, value in writes:
            tensor.copy_(torch.from_numpy(np.ascontiguousarray(value)))


# Run folders --------------------------------------------------------------------------------------


class RunRecord:
    """run.json, rewritten whole (atomically) on every change, with a fresh updatedAt."""

    def __init__(self, run_dir, record):
        self.path = os.path.join(run_dir, "run.json")
        self.record = record

    def update(self, **patch):
        self.record.update(patch)
        self.record["updatedAt"] = now_iso()
        write_json(self.path, self.record)


class EventLog:
    """metrics.jsonl: one studio RunEvent per line, appended and flushed; echoed on stdout with --json.
    When stdout's reader is gone (the studio that started the run quit), `on_lost` is called once."""

    def __init__(self, run_dir, echo, on_lost=None):
        self.path = os.path.join(run_dir, "metrics.jsonl")
        self.echo = echo
        self.on_lost = on_lost

    def emit(self, event):
        line = json.dumps(event, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        if self.echo:
            try:
                print(line, flush=True)
            except OSError:
                self.echo = False
                sys.stdout = open(os.devnull, "w", encoding="utf-8")
                if self.on_lost:
                    self.on_lost()


def epoch_checkpoint_folder(epoch):
    return os.path.join("checkpoints", f"epoch-{epoch:04d}")


def write_checkpoint_folder(run_dir, folder, weights, state, torch_state):
    """Writes a checkpoint under a temporary name and renames it into place, so a folder named
    epoch-NNNN or best is always whole. optimizer.json/.bin are an empty studio tensor pack: the
    studio's TF.js engine can resume from the weights, and PyTorch resumes from torch-state.pt."""
    target = os.path.join(run_dir, folder)
    temp = f"{target}.partial-{os.getpid()}-{int(time.time() * 1000)}"
    try:
        write_weights_folder(temp, weights)
        write_file_atomic(os.path.join(temp, "optimizer.bin"), b"")
        write_file_atomic(os.path.join(temp, "optimizer.json"), json.dumps({"format": "cnn-studio/tensors", "version": 1, "tensors": []}) + "\n")
        write_json(os.path.join(temp, "state.json"), state)
        torch.save(torch_state, os.path.join(temp, "torch-state.pt"))
        old = None
        if os.path.exists(target):
            old = f"{target}.old-{os.getpid()}-{int(time.time() * 1000)}"
            os.rename(target, old)
        os.rename(temp, target)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if os.path.exists(temp):
            shutil.rmtree(temp, ignore_errors=True)


def read_checkpoint_folder(run_dir, folder):
    """(weights, state, torch_state or None) of a checkpoint folder."""
    path = os.path.join(run_dir, folder)
    weights = read_weights_folder(path)
    state = read_json(os.path.join(path, "state.json"))
    torch_path = os.path.join(path, "torch-state.pt")
    torch_state = torch.load(torch_path, map_location="cpu") if os.path.isfile(torch_path) else None
    return weights, state, torch_state
