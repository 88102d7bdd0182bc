"""Trains the network of model.py on an image folder as CNN Studio would, in one process or many.

    python train.py --data DIR --out RUNDIR                               one process
    torchrun --standalone --nproc_per_node=N train.py --data DIR --out RUNDIR   N processes here
    torchrun --nnodes=M --nproc_per_node=N --rdzv-backend=c10d --rdzv-endpoint=HOST:29500 train.py ...

A process takes its place in the job only from torchrun's environment contract: RANK, LOCAL_RANK,
WORLD_SIZE, MASTER_ADDR and MASTER_PORT (any launcher that sets them works, Slurm's srun and the
Kubeflow training operator included). Without them it runs alone. CUDA devices use NCCL, CPUs Gloo.

The project's settings apply: optimiser, learning-rate schedule, epochs, batch size, weight decay,
early stopping and seed. The batch size is global: each of W processes takes batch/W images per step,
and one step's images are consecutive in the studio's shuffled order of the epoch. Mixed precision
(float16 autocast with a gradient scaler) is on for CUDA unless --no-amp.

RUNDIR becomes a CNN Studio run folder (see studio_format.py): `cnn-studio import-run RUNDIR` brings it
into the studio. After every epoch a checkpoint is written; --resume continues from the last one.
SIGINT or SIGTERM (Ctrl-C, or a scheduler ending the job) stops after the current batch and keeps
what was trained.
"""

import argparse
import json
import math
import os
import random
import signal
import sys
import time
import traceback
from datetime import timedelta

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

import data as studio_data
import studio_format as fmt
from model import build_model

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_FILE = os.path.join(HERE, "cnn_studio.json")
PROBABILITY_EPSILON = 1e-7


class TrainingError(Exception):
    """An error for people: a code the studio understands, a sentence, and what to do."""

    def __init__(self, code, message, hint=None):
        super().__init__(message)
        self.code = code
        self.hint = hint


# Optimisers and schedules, as the studio's TF.js engine defines them ---------------------------------


class StudioRMSprop(torch.optim.Optimizer):
    """RMSprop as TensorFlow.js computes it, which PyTorch's differs from in two places: epsilon is added
    inside the square root, and the learning rate multiplies the step before the momentum accumulates:
        ms = rho * ms + (1 - rho) * g^2;  mom = momentum * mom + lr * g / sqrt(ms + eps);  w -= mom"""

    def __init__(self, params, lr, rho, momentum, eps):
        super().__init__(params, {"lr": lr, "rho": rho, "momentum": momentum, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["mean_square"] = torch.zeros_like(p)
                    state["moment"] = torch.zeros_like(p)
                ms, mom = state["mean_square"], state["moment"]
                ms.mul_(group["rho"]).addcmul_(p.grad, p.grad, value=1 - group["rho"])
                mom.mul_(group["momentum"]).add_(p.grad * group["lr"] / torch.sqrt(ms + group["eps"]))
                p.sub_(mom)


def create_optimizer(settings, params):
    o = settings["optimizer"]
    if o["type"] == "sgd":
        # TF.js's momentum optimiser and PyTorch's SGD agree: buf = m * buf + g; w -= lr * buf (or, with
        # Nesterov, w -= lr * (g + m * buf)).
        return torch.optim.SGD(params, lr=o["learningRate"], momentum=o["momentum"], nesterov=o["nesterov"] and o["momentum"] > 0)
    if o["type"] == "adam":
        # Same formula as TF.js's Adam, epsilon outside the square root of the corrected second moment.
        return torch.optim.Adam(params, lr=o["learningRate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"])
    if o["type"] == "rmsprop":
        return StudioRMSprop(params, lr=o["learningRate"], rho=o["rho"], momentum=o["momentum"], eps=o["epsilon"])
    raise TrainingError("invalid-project", f"The optimiser {o['type']!r} is not one the studio knows.")


class LearningRateSchedule:
    """Per epoch: constant; step (x gamma every stepEpochs); cosine (down to minLearningRate over the
    run); plateau (x factor when the validation loss has not improved for `patience` epochs)."""

    def __init__(self, settings, base_rate, epochs, state=None):
        self.s = settings
        self.base = base_rate
        self.epochs = epochs
        self.state = dict(state) if state else {"rate": base_rate, "bestLoss": None, "badEpochs": 0}

    def rate_for(self, epoch):
        s = self.s
        if s["type"] == "step":
            return self.base * s["gamma"] ** ((epoch - 1) // s["stepEpochs"])
        if s["type"] == "cosine":
            progress = 0 if self.epochs <= 1 else (epoch - 1) / (self.epochs - 1)
            return s["minLearningRate"] + 0.5 * (self.base - s["minLearningRate"]) * (1 + math.cos(math.pi * progress))
        if s["type"] == "plateau":
            return self.state["rate"]
        return self.base

    def end_epoch(self, loss):
        if self.s["type"] != "plateau":
            return None
        best = self.state["bestLoss"]
        if best is None or loss < best - 1e-12:
            self.state.update(bestLoss=loss, badEpochs=0)
            return None
        bad = self.state["badEpochs"] + 1
        if bad < self.s["patience"]:
            self.state["badEpochs"] = bad
            return None
        rate = max(self.state["rate"] * self.s["factor"], self.s["minLearningRate"])
        changed = rate < self.state["rate"]
        self.state.update(rate=rate, badEpochs=0)
        return f"The validation loss has not improved for {self.s['patience']} epoch(s): the learning rate is now {rate:.3g}." if changed else None


def update_early_stopping(state, epoch, loss):
    if state["bestLoss"] is None or loss < state["bestLoss"]:
        return {"bestLoss": loss, "bestEpoch": epoch, "badEpochs": 0}, True
    return {**state, "badEpochs": state["badEpochs"] + 1}, False


def batch_loss(probabilities, labels, loss, classes):
    """The studio's losses on probabilities: cross-entropy with probabilities clipped to [1e-7, 1 - 1e-7]
    (so a confident mistake costs about 16, not infinity), or the mean squared error to one-hot."""
    target = F.one_hot(labels, classes).to(probabilities.dtype)
    if loss == "mean-squared-error":
        return ((probabilities - target) ** 2).mean()
    return -(target * torch.log(probabilities.clamp(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON))).sum(dim=-1).mean()


# The job: processes, devices, control ----------------------------------------------------------------


class Job:
    """This process's place in the job, from torchrun's environment variables."""

    def __init__(self, requested_device, dist_backend):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(self.world)))
        if self.world > 1 and not (os.environ.get("MASTER_ADDR") and os.environ.get("MASTER_PORT")):
            raise TrainingError("invalid-argument", "WORLD_SIZE is set but MASTER_ADDR or MASTER_PORT is not.", "Start the processes with torchrun, which sets all of them.")
        self.device = self._choose_device(requested_device)
        self.backend = dist_backend or ("nccl" if self.device.type == "cuda" else "gloo")
        if self.world > 1:
            dist.init_process_group(self.backend, init_method="env://", rank=self.rank, world_size=self.world, timeout=timedelta(minutes=30))

    def _choose_device(self, requested):
        cuda = torch.cuda.is_available()
        mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
        if requested == "cuda" and not cuda:
            raise TrainingError("backend-unavailable", "--device cuda was asked for, but torch sees no CUDA device.", "Use --device cpu, or install a CUDA build of PyTorch.")
        if requested == "mps" and not mps:
            raise TrainingError("backend-unavailable", "--device mps was asked for, but torch sees no Apple GPU.", "Use --device cpu.")
        if requested == "cuda" or (requested == "auto" and cuda):
            torch.cuda.set_device(self.local_rank % torch.cuda.device_count())
            return torch.device("cuda", self.local_rank % torch.cuda.device_count())
        # DistributedDataParallel has no MPS support: several processes train on the CPU.
        if requested == "mps" or (requested == "auto" and mps and self.world == 1):
            return torch.device("mps")
        return torch.device("cpu")

    @property
    def main(self):
        return self.rank == 0

    def reduce(self, values):
        """Sums a list of numbers over all processes."""
        if self.world == 1:
            return list(values)
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device if self.backend == "nccl" else "cpu")
        dist.all_reduce(tensor)
        return tensor.tolist()

    def share(self, value):
        """Rank 0's value, on every process."""
        if self.world == 1:
            return value
        box = [value]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def close(self):
        if self.world > 1 and dist.is_initialized():
            dist.destroy_process_group()


class Control:
    """Stop on SIGINT/SIGTERM; pause, resume and stop through a control file (the studio's local engine
    writes "pause", "run" or "stop" into it)."""

    def __init__(self, path):
        self.path = path
        self.stopped = False
        self._mtime = None
        self._word = "run"
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)

    def stop(self):
        self.stopped = True

    def _on_signal(self, signum, _frame):
        if self.stopped and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C quits at once
        self.stopped = True

    def word(self):
        if self.path:
            try:
                # The studio replaces the file (write, then rename): a new inode or size tells a new word
                # even when two writes fall in the same tick of the file system's clock.
                info = os.stat(self.path)
                stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
                if stamp != self._mtime:
                    self._mtime = stamp
                    with open(self.path, "r", encoding="utf-8") as handle:
                        self._word = handle.read().strip() or "run"
            except OSError:
                pass
        return "stop" if self.stopped else self._word


# Training --------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Train the exported CNN Studio network (see README.md).")
    parser.add_argument("--data", help="the image folder: one sub-folder per class, or train/ (+ val/)")
    parser.add_argument("--out", required=True, help="the run folder to write (a CNN Studio run folder)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint, if it has one")
    parser.add_argument("--epochs", type=int, help="number of epochs (default: the project's)")
    parser.add_argument("--batch-size", type=int, help="global batch size over all processes (default: the project's)")
    parser.add_argument("--lr", type=float, help="learning rate (default: the project's)")
    parser.add_argument("--seed", type=int, help="random seed (default: the project's)")
    parser.add_argument("--workers", type=int, help="data-loading processes per training process")
    parser.add_argument("--threads", type=int, help="CPU threads per training process")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], default="auto")
    parser.add_argument("--dist-backend", choices=["gloo", "nccl"], help="default: nccl on CUDA, gloo otherwise")
    parser.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    parser.add_argument("--json", action="store_true", help="print every event as one JSON line on stdout")
    parser.add_argument("--batch-event-ms", type=int, default=1000, help="batch events at most this often (milliseconds)")
    parser.add_argument("--control", help="a file holding run, pause or stop (used by the studio)")
    parser.add_argument("--rank-weights", metavar="DIR", help="also write every process's final weights to DIR/rank-N (to check that the replicas agree)")
    parser.add_argument("--studio-engine", metavar="REASON", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def load_package():
    package = fmt.read_json(PACKAGE_FILE)
    with open(os.path.join(HERE, "project.cnnstudio"), "r", encoding="utf-8") as handle:
        project = json.load(handle)
    return package, project


def training_settings(package, args):
    settings = json.loads(json.dumps(package["training"]))
    if args.epochs is not None:
        settings["epochs"] = args.epochs
    if args.batch_size is not None:
        settings["batchSize"] = args.batch_size
    if args.lr is not None:
        settings["optimizer"]["learningRate"] = args.lr
    if args.seed is not None:
        settings["seed"] = args.seed
    if settings["epochs"] < 1 or settings["batchSize"] < 1 or settings["optimizer"]["learningRate"] <= 0:
        raise TrainingError("invalid-argument", "Epochs and the batch size must be at least 1 and the learning rate above 0.")
    return settings


def describe_backend(job, amp, reason):
    """The engine as the studio shows it: "PyTorch 2.3.1 on CUDA, NVIDIA A100 (8 processes, nccl, mixed precision)"."""
    versions = {"python": sys.version.split()[0], "torch": torch.__version__}
    details = []
    if job.device.type == "cuda":
        gpu = torch.cuda.get_device_name(job.device)
        where = f"CUDA, {gpu}"
    elif job.device.type == "mps":
        gpu, where = "Apple GPU (MPS)", "Apple MPS"
    else:
        gpu, where = None, "the CPU"
    if job.world > 1:
        details += [f"{job.world} processes", job.backend]
    if job.device.type == "cpu":
        threads = torch.get_num_threads()
        details.append(f"{threads} thread{'s' if threads != 1 else ''}{' each' if job.world > 1 else ''}")
    if amp:
        details.append("mixed precision")
    label = f"PyTorch {torch.__version__.split('+')[0]} on {where}" + (f" ({', '.join(details)})" if details else "")
    if reason is None:
        started = f"Started with WORLD_SIZE={job.world} (torchrun's environment)" if "WORLD_SIZE" in os.environ else "Started as a single process (no torchrun environment)"
        reason = f"{started}; Python {versions['python']} at {sys.executable}."
    return {"name": "pytorch", "label": label, "reason": reason, "gpu": gpu, "versions": versions}


def count_weights(model):
    """Trainable and non-trainable scalar weights, counted as `cnn-studio inspect` counts them."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    statistics = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    return trainable, frozen + statistics


def trainable_kernels(model):
    kernels = []
    for _node, (attribute, layout) in model.STUDIO_NODES.items():
        module = getattr(model, attribute)
        for role, name in fmt.TORCH_NAMES[layout].items():
            weight = fmt.module_tensor(module, name) if role in fmt.KERNEL_ROLES else None
            if weight is not None and weight.requires_grad:
                kernels.append(weight)
    return kernels


def make_loader(dataset, batch, sampler, workers, device):
    return DataLoader(dataset, batch_size=batch, sampler=sampler, shuffle=False, num_workers=workers, pin_memory=device.type == "cuda", drop_last=False)


class Trainer:
    def __init__(self, args, job, control):
        self.args = args
        self.job = job
        self.control = control
        self.package, self.project = load_package()
        self.settings = training_settings(self.package, args)
        self.out = os.path.abspath(args.out)
        self.record = None
        self.log = None

    # -- setup ------------------------------------------------------------------------------------

    def run(self):
        job, settings = self.job, self.settings
        resumed = self._read_resume_point()
        data_path = os.path.abspath(self.args.data) if self.args.data else (resumed["record"]["datasetPath"] if resumed else None)
        if not data_path:
            raise TrainingError("invalid-argument", "train.py needs --data DIR, the image folder to train on.")
        if resumed:
            # The run's own settings, with this command's overrides (more epochs, another rate).
            self.settings = settings = training_settings({"training": resumed["record"]["training"]}, self.args)
        if settings["seed"] is None:
            settings["seed"] = job.share(random.randrange(2**31 - 1) if job.main else None)
        seed = settings["seed"]
        torch.manual_seed(seed)
        if self.args.threads:
            torch.set_num_threads(self.args.threads)
        elif job.device.type == "cpu":
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // max(1, job.local_world)))

        index = self._scan(data_path, seed)
        preprocessing = resumed["preprocessing"] if resumed else self._preprocessing(index)
        classes = self.package["classes"]
        if len(index.classes) != classes:
            raise TrainingError(
                "dataset-invalid",
                f"The dataset has {len(index.classes)} classes ({', '.join(index.classes[:12])}) but the Output layer {self.package['outputNode']} has {classes}.",
                f"Give the dataset the network was made for, or set the Output's classes to {len(index.classes)} in the studio and export again.",
            )

        model = build_model()
        trainable, non_trainable = count_weights(model)
        expected = self.package["params"]
        if (trainable, non_trainable) != (expected["trainable"], expected["nonTrainable"]):
            raise TrainingError("internal", f"model.py has {trainable} trainable and {non_trainable} non-trainable weights, but the studio counts {expected['trainable']} and {expected['nonTrainable']}.", "Report this as a defect of the exporter.")
        start_weights = None
        if resumed:
            start_weights = resumed["weights"]
        elif self.package.get("startWeights"):
            start_weights = fmt.read_weights_folder(os.path.join(HERE, self.package["startWeights"]))
        if start_weights is not None:
            fmt.studio_to_torch(model, start_weights, "The starting weights" if not resumed else f"The checkpoint {resumed['folder']}")
        model.to(job.device)
        params = [p for p in model.parameters() if p.requires_grad]
        wrapped = DistributedDataParallel(model, device_ids=[job.device.index] if job.device.type == "cuda" else None) if job.world > 1 and params else model
        optimizer = create_optimizer(settings, params) if params else None
        amp = job.device.type == "cuda" and not self.args.no_amp
        scaler = None
        if amp:
            scaler = torch.amp.GradScaler("cuda") if hasattr(torch.amp, "GradScaler") else torch.cuda.amp.GradScaler()
        if resumed and resumed["torch"]:
            if optimizer is not None and resumed["torch"].get("optimizer"):
                optimizer.load_state_dict(resumed["torch"]["optimizer"])
            if scaler is not None and resumed["torch"].get("scaler"):
                scaler.load_state_dict(resumed["torch"]["scaler"])

        backend = describe_backend(job, amp, self.args.studio_engine)
        warnings = []
        per_process = settings["batchSize"] // job.world
        if per_process < 1:
            raise TrainingError("invalid-argument", f"The batch size {settings['batchSize']} is smaller than the {job.world} processes.", f"Use a batch size of at least {job.world}.")
        if per_process * job.world != settings["batchSize"]:
            warnings.append(f"The batch size {settings['batchSize']} does not divide over {job.world} processes: each takes {per_process} images, {per_process * job.world} per step.")
        if job.main:
            self._open_run_folder(resumed, index, preprocessing, backend, data_path)
            self.log.emit({
                "type": "start",
                "runDir": self.out,
                "backend": {k: backend[k] for k in ("name", "label", "reason", "gpu")},
                "classes": index.classes,
                "trainImages": len(index.train),
                "valImages": len(index.validation),
                "epochs": settings["epochs"],
                "batchSize": settings["batchSize"],
                "params": {"trainable": trainable, "nonTrainable": non_trainable, "total": trainable + non_trainable},
                "resumedFrom": resumed["state"]["epoch"] if resumed else None,
                "warnings": warnings + [w["message"] for w in index.report["warnings"]],
            })
        self.model, self.wrapped, self.optimizer, self.scaler, self.amp = model, wrapped, optimizer, scaler, amp
        self.index, self.preprocessing = index, preprocessing
        return self._train(resumed, per_process)

    def _read_resume_point(self):
        """The last checkpoint of --out when resuming; a new run's folder must be new or empty. Rank 0
        reads, and every process gets its answer (an error included), so none waits for the others."""
        answer = None
        if self.job.main:
            try:
                answer = ("ok", self._resume_point_here())
            except (TrainingError, fmt.StudioFormatError) as error:
                answer = ("error", getattr(error, "code", "run-invalid"), str(error), getattr(error, "hint", None))
        answer = self.job.share(answer)
        if answer[0] == "error":
            raise TrainingError(answer[1], answer[2], answer[3])
        point = answer[1]
        if point and point.get("empty"):
            # A run that stopped before its first checkpoint starts over in the same folder.
            self._previous_record = point["record"]
            return None
        return point

    def _resume_point_here(self):
        record_path = os.path.join(self.out, "run.json")
        if not self.args.resume or not os.path.isfile(record_path):
            if os.path.isdir(self.out) and os.listdir(self.out):
                raise TrainingError("invalid-argument", f"The run folder {self.out} already exists and is not empty.", "Choose a new folder with --out, or continue that run with --resume.")
            return None
        record = fmt.read_json(record_path)
        if record.get("status") == "completed" and self.settings["epochs"] <= record["epochsCompleted"]:
            raise TrainingError("invalid-argument", f"The run in {self.out} is already complete ({record['epochsCompleted']} epochs).", "Start a new run, or give more --epochs.")
        checkpoints = record.get("checkpoints") or []
        preprocessing = fmt.read_json(os.path.join(self.out, "preprocessing.json"))
        if not checkpoints:
            return {"record": record, "empty": True}
        weights, state, torch_state = fmt.read_checkpoint_folder(self.out, checkpoints[-1])
        return {"record": record, "folder": checkpoints[-1], "weights": weights, "state": state, "torch": torch_state, "preprocessing": preprocessing}

    def _scan(self, data_path, seed):
        labels = self.package.get("labels")
        result = None
        if self.job.main:
            try:
                result = ("ok", studio_data.scan_image_folder(data_path, self.package["dataset"]["validationSplit"], seed, labels))
            except studio_data.DatasetError as error:
                result = ("error", str(error))
        status, value = self.job.share(result)
        if status == "error":
            raise TrainingError("dataset-invalid", value, "Check the folder given with --data.")
        return value

    def _preprocessing(self, index):
        if self.package.get("preprocessing"):
            return self.package["preprocessing"]
        p = self.package["input"]
        preset = self.package["dataset"]["normalization"]
        stats = None
        if preset == "dataset-mean-std":
            geometry = {**p, "resize": self.package["dataset"]["resize"]}
            sums, squares, pixels = studio_data.channel_sums(index.train[self.job.rank :: self.job.world], geometry)
            totals = self.job.reduce(list(sums) + list(squares) + [pixels])
            c = p["channels"]
            mean = [totals[i] / totals[2 * c] for i in range(c)]
            std = [math.sqrt(max(0.0, totals[c + i] / totals[2 * c] - mean[i] ** 2)) for i in range(c)]
            stats = {"mean": mean, "std": std}
        return studio_data.resolve_preprocessing(preset, p["height"], p["width"], p["channels"], self.package["dataset"]["resize"], stats)

    def _open_run_folder(self, resumed, index, preprocessing, backend, data_path):
        os.makedirs(self.out, exist_ok=True)
        # Started by the studio, which then quit: stop cleanly, as Ctrl-C would.
        self.log = fmt.EventLog(self.out, self.args.json, on_lost=self.control.stop)
        local = self.args.studio_engine is not None
        if resumed:
            self.record = fmt.RunRecord(self.out, resumed["record"])
            self.record.update(status="running", message=None, finishedAt=None, pid=os.getpid() if local else None, backend=backend, training=self.settings, epochsPlanned=self.settings["epochs"])
            return
        project = dict(self.project)
        project["training"] = {**self.settings, "backend": "pytorch"}
        fmt.write_json(os.path.join(self.out, "project.cnnstudio"), project)
        fmt.write_json(os.path.join(self.out, "labels.json"), index.classes)
        fmt.write_json(os.path.join(self.out, "preprocessing.json"), preprocessing)
        fmt.write_json(os.path.join(self.out, "dataset-report.json"), index.report)
        now = fmt.now_iso()
        previous = getattr(self, "_previous_record", None)
        self.record = fmt.RunRecord(self.out, {
            "format": "cnn-studio/run",
            "version": 1,
            "id": os.path.basename(self.out.rstrip(os.sep)) or "run",
            "kind": "cnn" if local else "imported",
            "projectName": self.project.get("name", "project"),
            "projectPath": self.package.get("projectPath"),
            "status": "running",
            "message": None,
            "createdAt": previous["createdAt"] if previous else now,
            "updatedAt": now,
            "finishedAt": None,
            "backend": backend,
            "pid": os.getpid() if local else None,
            "training": {**self.settings, "backend": "pytorch"},
            "datasetPath": data_path,
            "epochsPlanned": self.settings["epochs"],
            "epochsCompleted": 0,
            "bestEpoch": None,
            "checkpoints": [],
            "finalWeights": None,
        })
        self.record.update()

    # -- the loop ---------------------------------------------------------------------------------

    def _check_control(self, epoch):
        """'run', 'pause' or 'stop', agreed by all processes (any stop stops all; rank 0's pause pauses all)."""
        word = self.control.word()
        flags = self.job.reduce([1.0 if word == "stop" else 0.0, 1.0 if (word == "pause" and self.job.main) else 0.0])
        if flags[0] > 0:
            return "stop"
        if flags[1] == 0:
            return "run"
        if self.job.main:
            self.log.emit({"type": "status", "status": "paused", "message": f"Paused in epoch {epoch}.", "epoch": epoch})
        while True:
            time.sleep(0.2)
            word = self.control.word()
            flags = self.job.reduce([1.0 if word == "stop" else 0.0, 1.0 if (word == "pause" and self.job.main) else 0.0])
            if flags[0] > 0:
                return "stop"
            if flags[1] == 0:
                if self.job.main:
                    self.log.emit({"type": "status", "status": "resumed", "message": f"Resumed in epoch {epoch}.", "epoch": epoch})
                return "run"

    def _train(self, resumed, per_process):
        job, settings, model = self.job, self.settings, self.model
        output = self.package["loss"]
        classes = self.package["classes"]
        seed = settings["seed"]
        workers = self.args.workers if self.args.workers is not None else min(4, max(0, (os.cpu_count() or 1) // max(1, job.local_world) - 1))
        train_set = studio_data.ImageFolderDataset(self.index.train, self.preprocessing, self.package["dataset"]["augmentation"], seed)
        sampler = studio_data.StudioOrderSampler(train_set, job.world, job.rank, seed)
        loader = make_loader(train_set, per_process, sampler, workers, job.device)
        val_set = studio_data.ImageFolderDataset(self.index.validation[job.rank :: job.world], self.preprocessing)
        val_loader = DataLoader(val_set, batch_size=max(per_process, 64), shuffle=False, num_workers=workers) if len(val_set) else None

        state = resumed["state"] if resumed else None
        schedule = LearningRateSchedule(settings["schedule"], settings["optimizer"]["learningRate"], settings["epochs"], state["schedule"] if state else None)
        early = state["earlyStopping"] if state else {"bestLoss": None, "bestEpoch": None, "badEpochs": 0}
        first_epoch = (state["epoch"] if state else 0) + 1
        seconds = state["seconds"] if state else 0.0
        step = state["step"] if state else 0
        started = time.time()
        global_batches = max(1, math.ceil(len(self.index.train) / (per_process * job.world)))
        kernels = trainable_kernels(model)
        status, message, last_epoch = "completed", None, first_epoch - 1
        last_val = None

        for epoch in range(first_epoch, settings["epochs"] + 1):
            if self.control.word() == "stop" and job.world == 1:
                status = "stopped"
                break
            rate = schedule.rate_for(epoch)
            if self.optimizer is not None:
                for group in self.optimizer.param_groups:
                    group["lr"] = rate
            sampler.set_epoch(epoch)
            train_set.set_epoch(epoch)
            model.train()
            epoch_start = time.time()
            wait = 0.0
            loss_sum = correct = seen = 0.0
            batch_index = 0
            last_event = 0.0
            stopped_mid_epoch = False
            iterator = iter(loader)
            while True:
                fetch = time.time()
                try:
                    x, y = next(iterator)
                except StopIteration:
                    break
                wait += time.time() - fetch
                if self._check_control(epoch) == "stop":
                    stopped_mid_epoch = True
                    break
                x = x.to(job.device, non_blocking=True)
                y = y.to(job.device, non_blocking=True)
                with torch.autocast(device_type="cuda", dtype=torch.float16, enabled=self.amp):
                    probabilities = self.wrapped(x)
                probabilities = probabilities.float()
                data_loss = batch_loss(probabilities, y, output, classes)
                loss = data_loss
                if settings["weightDecay"] > 0 and kernels:
                    loss = loss + settings["weightDecay"] * sum((k.float() ** 2).sum() for k in kernels)
                if self.optimizer is not None:
                    self.optimizer.zero_grad(set_to_none=True)
                    if self.scaler is not None:
                        self.scaler.scale(loss).backward()
                        self.scaler.step(self.optimizer)
                        self.scaler.update()
                    else:
                        loss.backward()
                        self.optimizer.step()
                step += 1
                finite = bool(torch.isfinite(probabilities).all())
                n = y.shape[0]
                totals = job.reduce([data_loss.item() * n if finite else float("nan"), float((probabilities.argmax(dim=-1) == y).sum()), float(n)])
                batch_index += 1
                if not math.isfinite(totals[0]):
                    self._fail_non_finite(epoch, batch_index, rate)
                loss_sum += totals[0]
                correct += totals[1]
                seen += totals[2]
                now = time.time()
                if job.main and ((now - last_event) * 1000 >= self.args.batch_event_ms or batch_index == global_batches):
                    last_event = now
                    elapsed = now - epoch_start
                    per_batch = elapsed / batch_index
                    self.log.emit({
                        "type": "batch",
                        "epoch": epoch,
                        "batch": batch_index,
                        "batches": global_batches,
                        "loss": totals[0] / totals[2],
                        "accuracy": totals[1] / totals[2],
                        "imagesPerSecond": seen / max(elapsed, 1e-9),
                        "learningRate": rate,
                        "eta": (global_batches - batch_index + (settings["epochs"] - epoch) * global_batches) * per_batch,
                    })
            if stopped_mid_epoch:
                status = "stopped"
                message = f"Stopped during epoch {epoch}; the weights trained so far are kept, and the run can resume from the end of epoch {epoch - 1}."
                break
            train_seconds = time.time() - epoch_start
            val = self._validate(val_loader, output, classes) if len(self.index.validation) else None
            last_val = val
            epoch_seconds = time.time() - epoch_start
            seconds += epoch_seconds
            train_loss = loss_sum / max(seen, 1)
            monitored = val["loss"] if val else train_loss
            early, improved = update_early_stopping(early, epoch, monitored)
            if job.main:
                self.log.emit({
                    "type": "epoch",
                    "epoch": epoch,
                    "epochs": settings["epochs"],
                    "loss": train_loss,
                    "accuracy": correct / max(seen, 1),
                    "valLoss": val["loss"] if val else None,
                    "valAccuracy": val["accuracy"] if val else None,
                    "imagesPerSecond": seen / max(train_seconds, 1e-9),
                    "seconds": epoch_seconds,
                    "learningRate": rate,
                    "eta": (settings["epochs"] - epoch) * epoch_seconds,
                    "dataWait": min(1.0, wait / max(train_seconds, 1e-9)),
                    "best": improved,
                })
            rate_message = schedule.end_epoch(monitored)
            if rate_message and job.main:
                self.log.emit({"type": "status", "status": "learning-rate", "message": rate_message, "epoch": epoch})
            if job.main:
                self._checkpoint(epoch, step, schedule, early, seconds, improved)
            last_epoch = epoch
            if settings["earlyStopping"]["enabled"] and early["badEpochs"] >= settings["earlyStopping"]["patience"] and epoch < settings["epochs"]:
                message = f"Stopped early after epoch {epoch}: the {'validation' if val else 'training'} loss has not improved for {early['badEpochs']} epochs (best: epoch {early['bestEpoch']})."
                if job.main:
                    self.log.emit({"type": "status", "status": "early-stopping", "message": message, "epoch": epoch})
                break
            if self.control.word() == "stop" and job.world == 1:
                status = "stopped"
                break

        if self.args.rank_weights:
            fmt.write_weights_folder(os.path.join(self.args.rank_weights, f"rank-{job.rank}"), fmt.torch_to_studio(model))
        if job.main:
            fmt.write_weights_folder(os.path.join(self.out, "weights"), fmt.torch_to_studio(model))
            final_message = (message or f"Stopped after epoch {last_epoch}.") if status == "stopped" else message
            self.record.update(status=status, message=final_message, finishedAt=fmt.now_iso(), finalWeights="weights", pid=None)
            self.log.emit({
                "type": "done",
                "status": status,
                "epochs": last_epoch,
                "bestEpoch": early["bestEpoch"],
                "runDir": self.out,
                "message": final_message,
                "valLoss": last_val["loss"] if last_val else None,
                "valAccuracy": last_val["accuracy"] if last_val else None,
                "seconds": time.time() - started,
            })
        return status

    def _validate(self, loader, output, classes):
        """Loss and accuracy of the validation split in inference mode, summed over all processes."""
        self.model.eval()
        total = correct = count = 0.0
        if loader is not None:
            with torch.no_grad():
                for x, y in loader:
                    x, y = x.to(self.job.device), y.to(self.job.device)
                    with torch.autocast(device_type="cuda", dtype=torch.float16, enabled=self.amp):
                        probabilities = self.model(x)
                    probabilities = probabilities.float()
                    total += batch_loss(probabilities, y, output, classes).item() * y.shape[0]
                    correct += float((probabilities.argmax(dim=-1) == y).sum())
                    count += y.shape[0]
        total, correct, count = self.job.reduce([total, correct, count])
        self.model.train()
        return {"loss": total / max(count, 1), "accuracy": correct / max(count, 1)}

    def _checkpoint(self, epoch, step, schedule, early, seconds, improved):
        state = {
            "format": "cnn-studio/checkpoint",
            "version": 1,
            "epoch": epoch,
            "step": step,
            "schedule": dict(schedule.state),
            "earlyStopping": early,
            "seconds": seconds,
            "phase": 1,
        }
        weights = fmt.torch_to_studio(self.model)
        torch_state = {"optimizer": self.optimizer.state_dict() if self.optimizer is not None else None, "scaler": self.scaler.state_dict() if self.scaler is not None else None}
        folder = fmt.epoch_checkpoint_folder(epoch)
        fmt.write_checkpoint_folder(self.out, folder, weights, state, torch_state)
        if improved:
            fmt.write_checkpoint_folder(self.out, os.path.join("checkpoints", "best"), weights, state, torch_state)
        self.record.update(epochsCompleted=epoch, checkpoints=self.record.record["checkpoints"] + [folder], bestEpoch=early["bestEpoch"])
        self.log.emit({"type": "checkpoint", "epoch": epoch, "path": folder, "best": improved})

    def _fail_non_finite(self, epoch, batch, rate):
        p = self.preprocessing
        unnormalised = p["scale"] == 1 and all(s == 1 for s in p["std"])
        cause = "the input is not normalised (pixel values up to 255 reach the network)" if unnormalised else f"the learning rate ({rate}) is probably too high"
        message = f"The loss became NaN or infinite in epoch {epoch}, batch {batch}: {cause}."
        last = None
        if self.job.main:
            last = self.record.record["checkpoints"][-1] if self.record.record["checkpoints"] else None
            self.record.update(status="failed", message=message, finishedAt=fmt.now_iso(), finalWeights=last, pid=None)
        hint = ("Use the pixel/255 or dataset-mean-std normalisation" if unnormalised else "Lower the learning rate (try a tenth)") + (
            f"; the last good checkpoint ({last}) is kept in {self.out}." if last else "; no epoch had completed, so there is no checkpoint."
        )
        raise TrainingError("training-failed", message, hint)

    def fail(self, error):
        """Records an error in the run folder (when it exists) and as an error event."""
        if not self.job.main:
            return
        if self.record is not None and self.record.record.get("status") == "running":
            last = self.record.record["checkpoints"][-1] if self.record.record["checkpoints"] else None
            self.record.update(status="failed", message=str(error), finishedAt=fmt.now_iso(), finalWeights=last, pid=None)
        event = {"type": "error", "code": getattr(error, "code", "internal"), "message": str(error)}
        if getattr(error, "hint", None):
            event["hint"] = error.hint
        if self.log is not None:
            self.log.emit(event)
        elif self.args.json:
            print(json.dumps(event), flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    control = Control(args.control)
    job = None
    trainer = None
    try:
        job = Job(args.device, args.dist_backend)
        trainer = Trainer(args, job, control)
        status = trainer.run()
        return 130 if status == "stopped" else 0
    except (TrainingError, studio_data.DatasetError, fmt.StudioFormatError) as error:
        if not isinstance(error, TrainingError):
            error = TrainingError("dataset-invalid" if isinstance(error, studio_data.DatasetError) else "run-invalid", str(error))
        report(trainer, args, error)
        return 1
    except torch.cuda.OutOfMemoryError as error:
        report(trainer, args, TrainingError("training-failed", f"The GPU ran out of memory ({error}).", "Use a smaller --batch-size or input size."))
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - anything else is a defect: keep its trace on stderr
        traceback.print_exc()
        report(trainer, args, TrainingError("internal", f"Training failed: {type(error).__name__}: {error}", "Report this problem with the message above."))
        return 1
    finally:
        if job is not None:
            job.close()


def report(trainer, args, error):
    try:
        print(f"Error: {error}{' ' + error.hint if error.hint else ''}", file=sys.stderr, flush=True)
    except OSError:
        pass  # the reader of stderr is gone; the run folder still records the error
    if trainer is not None:
        trainer.fail(error)
    elif args.json and int(os.environ.get("RANK", "0")) == 0:
        event = {"type": "error", "code": error.code, "message": str(error)}
        if error.hint:
            event["hint"] = error.hint
        print(json.dumps(event), flush=True)


if __name__ == "__main__":
    sys.exit(main())
