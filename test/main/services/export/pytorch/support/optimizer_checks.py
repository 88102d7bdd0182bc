"""Test helper: train.py's optimisers and learning-rate schedules on a request (see optimizers.test.ts).

    python optimizer_checks.py PACKAGE_DIR REQUEST.json RESULT.json

For each optimiser case: a weight vector w, the loss sum(c * (w - t)^2), one step per learning rate;
the weights after each step. For each schedule case: the rate of every epoch, feeding the given
validation losses to end_epoch.
"""

import json
import sys

import torch

package, request_path, result_path = sys.argv[1:4]
sys.path.insert(0, package)
import train  # noqa: E402

request = json.load(open(request_path))
out = {"optimizers": [], "schedules": []}
for case in request["optimizers"]:
    w = torch.tensor(case["start"], dtype=torch.float32, requires_grad=True)
    t = torch.tensor(case["target"], dtype=torch.float32)
    c = torch.tensor(case["coefficients"], dtype=torch.float32)
    optimizer = train.create_optimizer({"optimizer": case["settings"]}, [w])
    steps = []
    for rate in case["rates"]:
        for group in optimizer.param_groups:
            group["lr"] = rate
        optimizer.zero_grad()
        (c * (w - t) ** 2).sum().backward()
        optimizer.step()
        steps.append(w.detach().tolist())
    out["optimizers"].append(steps)
for case in request["schedules"]:
    schedule = train.LearningRateSchedule(case["settings"], case["base"], case["epochs"])
    rates = []
    for epoch, loss in enumerate(case["losses"], start=1):
        rates.append(schedule.rate_for(epoch))
        schedule.end_epoch(loss)
    out["schedules"].append(rates)
json.dump(out, open(result_path, "w"))
