"""Test helper: the PyTorch model of a package, with a run's final weights, on saved inputs.

    python predict_run.py PACKAGE_DIR RUN_DIR INPUT.bin N OUTPUT.bin

INPUT.bin holds N float32 NCHW images of the model's INPUT_SHAPE; OUTPUT.bin gets the probabilities.
"""

import os
import sys

import numpy as np
import torch

package, run, source, count, target = sys.argv[1:6]
sys.path.insert(0, package)
import studio_format as fmt  # noqa: E402
from model import build_model  # noqa: E402

model = build_model()
record = fmt.read_json(os.path.join(run, "run.json"))
fmt.studio_to_torch(model, fmt.read_weights_folder(os.path.join(run, record["finalWeights"])), "the run's weights")
model.eval()
x = torch.from_numpy(np.fromfile(source, dtype="<f4").reshape((int(count), *model.INPUT_SHAPE)))
with torch.no_grad():
    model(x).numpy().astype("<f4").tofile(target)
