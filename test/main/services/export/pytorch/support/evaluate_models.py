"""Test helper: runs generated model.py files on saved inputs (see parity.test.ts).

    python evaluate_models.py CASE_DIR...

Each CASE_DIR is a PyTorch package (model.py, studio_format.py, weights/) with input.bin (float32
NCHW) and input.json ({"shape": [n, c, h, w]}). Writes output.bin (float32, the probabilities in eval
mode) and result.json: the parameter counts as train.py counts them, and the fixed filters that
build_model() set, per submodule. With a round-trip.request file, also the weights converted back to
the studio's format (round-trip/).
"""

import importlib
import json
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)

for case in sys.argv[1:]:
    sys.path.insert(0, case)
    for name in ("model", "studio_format"):
        sys.modules.pop(name, None)
    model_module = importlib.import_module("model")
    fmt = importlib.import_module("studio_format")
    model = model_module.build_model()
    fixed = {name: getattr(model, name).weight.detach().numpy().tolist() for name in model_module.FIXED_FILTERS}
    weights = os.path.join(case, "weights")
    if os.path.isdir(weights):
        fmt.studio_to_torch(model, fmt.read_weights_folder(weights), "the test weights")
    model.eval()
    shape = json.load(open(os.path.join(case, "input.json")))["shape"]
    x = torch.from_numpy(np.fromfile(os.path.join(case, "input.bin"), dtype="<f4").reshape(shape))
    with torch.no_grad():
        y = model(x)
    y.numpy().astype("<f4").tofile(os.path.join(case, "output.bin"))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    stats = sum(b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
    if os.path.exists(os.path.join(case, "round-trip.request")):
        fmt.write_weights_folder(os.path.join(case, "round-trip"), fmt.torch_to_studio(model))
    with open(os.path.join(case, "result.json"), "w") as handle:
        json.dump({"trainable": trainable, "nonTrainable": frozen + stats, "fixed": fixed}, handle)
    sys.path.remove(case)
    print(f"evaluated {case}", flush=True)
