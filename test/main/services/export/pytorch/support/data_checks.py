"""Test helper: runs the package's data.py on the requests in a JSON file (see data-parity.test.ts).

    python data_checks.py PACKAGE_DIR REQUEST.json RESULT.json

Requests: hashes (lists of key parts), orders ([count, seed, epoch]), a scan ({root, fraction,
seed}), decodes ({path, height, width, channels, resize, out}: raw uint8 pixels written to `out`),
augmentations ({settings, seed, epoch, key, height, width, channels, unit, out}: the draw, and the
augmented float32 image written to `out`).
"""

import json
import sys

import numpy as np

package, request_path, result_path = sys.argv[1:4]
sys.path.insert(0, package)
import data  # noqa: E402

request = json.load(open(request_path, encoding="utf-8"))
result = {
    "hashes": [data.hash_key(*parts) for parts in request["hashes"]],
    "orders": [data.epoch_order(*args) for args in request["orders"]],
}
scan = request["scan"]
index = data.scan_image_folder(scan["root"], scan["fraction"], scan["seed"])
result["scan"] = {
    "classes": index.classes,
    "train": [s.file for s in index.train],
    "validation": [s.file for s in index.validation],
    "labels": [s.label for s in index.train],
}
for d in request["decodes"]:
    data.decode_image(d["path"], d["height"], d["width"], d["channels"], d["resize"]).tofile(d["out"])
draws = []
for a in request["augmentations"]:
    draw = data.draw_augmentation(a["settings"], data.random_for(a["seed"], "augment", a["epoch"], a["key"]), a["height"], a["width"])
    draws.append(draw)
    unit = np.fromfile(a["unit"], dtype="<f4").reshape(a["height"], a["width"], a["channels"])
    data.apply_augmentation(unit, draw).astype("<f4").tofile(a["out"])
result["draws"] = draws
json.dump(result, open(result_path, "w", encoding="utf-8"))
