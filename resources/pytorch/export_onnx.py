"""Writes a trained run (or the package's starting weights) to ONNX, as CNN Studio's exporter does.

    python export_onnx.py --run RUNDIR --out model.onnx [--weights best|final|FOLDER] [--opset 13] [--logits]

The model takes NCHW float32 images (the batch dimension is named `batch`) normalised as the run's
preprocessing says, and returns class probabilities (or logits with --logits). Its metadata_props
carry the keys of the studio's exporter: labels, input_layout, input_size, normalization, resize and
output; the producer is cnn-studio. Needs the `onnx` package to write the metadata.
"""

import argparse
import json
import os
import sys

import torch

import studio_format as fmt
from model import build_model

HERE = os.path.dirname(os.path.abspath(__file__))


def js_json(value):
    """JSON as JavaScript's JSON.stringify writes it: compact, whole floats without '.0'."""

    def plain(v):
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
            return int(v)
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def metadata(labels, preprocessing, input_shape, logits):
    """The studio's metadata entries (src/shared/onnx/metadata.ts), in its order."""
    channels, height, width = input_shape
    entries = []
    if labels:
        entries.append(("labels", js_json(labels)))
    entries.append(("input_layout", "NCHW"))
    entries.append(("input_size", f"{height}x{width}x{channels}"))
    if preprocessing:
        normalization = {"scale": preprocessing["scale"], "mean": preprocessing["mean"], "std": preprocessing["std"]}
        if preprocessing.get("channelOrder") == "bgr":
            normalization["channel_order"] = "bgr"
        entries.append(("normalization", js_json(normalization)))
        entries.append(("resize", preprocessing["resize"]))
    entries.append(("output", "logits" if logits else "probabilities"))
    return entries


def optional_json(path):
    return fmt.read_json(path) if os.path.isfile(path) else None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Export the trained network to ONNX with the studio's metadata.")
    parser.add_argument("--run", help="a run folder written by train.py (default: the package's starting weights)")
    parser.add_argument("--weights", default="final", help="final (default), best, or a weights folder")
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--logits", action="store_true", help="leave out the final softmax")
    args = parser.parse_args(argv)
    try:
        import onnx
    except ImportError:
        print("Error: export_onnx.py needs the onnx package (pip install onnx).", file=sys.stderr)
        return 1
    package = fmt.read_json(os.path.join(HERE, "cnn_studio.json"))
    labels = package.get("labels")
    preprocessing = package.get("preprocessing")
    model = build_model()
    if args.run:
        run = os.path.abspath(args.run)
        record = fmt.read_json(os.path.join(run, "run.json"))
        folder = {"final": record.get("finalWeights") or (record["checkpoints"][-1] if record.get("checkpoints") else None), "best": os.path.join("checkpoints", "best")}.get(args.weights, args.weights)
        if folder is None:
            print(f"Error: the run in {run} has no trained weights yet.", file=sys.stderr)
            return 1
        fmt.studio_to_torch(model, fmt.read_weights_folder(os.path.join(run, folder)), f"The weights in {os.path.join(run, folder)}")
        labels = optional_json(os.path.join(run, "labels.json")) or labels
        preprocessing = optional_json(os.path.join(run, "preprocessing.json")) or preprocessing
    elif package.get("startWeights"):
        fmt.studio_to_torch(model, fmt.read_weights_folder(os.path.join(HERE, package["startWeights"])), "The starting weights")
    else:
        print("Warning: no --run and no starting weights: the model is exported with random initial weights.", file=sys.stderr)
    model.eval()
    model.return_logits = args.logits
    dummy = torch.zeros((1, *model.INPUT_SHAPE), dtype=torch.float32)
    output_name = "logits" if args.logits else "probabilities"
    out = os.path.abspath(args.out)
    temp = f"{out}.{os.getpid()}.tmp"
    try:
        torch.onnx.export(
            model,
            dummy,
            temp,
            input_names=["input"],
            output_names=[output_name],
            dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}},
            opset_version=args.opset,
            do_constant_folding=True,
        )
        proto = onnx.load(temp)
        proto.producer_name = "cnn-studio"
        proto.producer_version = package["producer"]["version"]
        del proto.metadata_props[:]
        for key, value in metadata(labels, preprocessing, model.INPUT_SHAPE, args.logits):
            entry = proto.metadata_props.add()
            entry.key, entry.value = key, value
        onnx.checker.check_model(proto)
        fmt.write_file_atomic(out, proto.SerializeToString())
    finally:
        if os.path.exists(temp):
            os.remove(temp)
    print(f"Exported {out} (ONNX opset {args.opset}, NCHW input, {output_name}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
