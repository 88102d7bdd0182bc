"""Image-folder reading and preprocessing, as the studio does it.

- Layouts: a folder with one sub-folder per class (the validation split is then carved from it), or
  train/ with val/ or validation/ (the validation split) and test/ (not used for training) at the
  top, split names in any case. Class names are the class folders' names (NFC), sorted by code point;
  images in sub-folders of a class folder belong to it; hidden and system files are ignored; files
  are recognised by their first bytes (PNG, JPEG, GIF, WebP, TIFF, BMP), not by their names.
- The validation split: the same fraction of each class, picked with the studio's seeded generator
  from (seed, class name), so the same seed picks the same images as a run in the studio.
- Decoding: EXIF orientation applied, first frame, alpha composited over black, colour converted to
  RGB, resized, then converted to grey with Rec. 601 luma rounded as Pillow's convert("L") (and the
  studio) do: L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
- Resizing (the studio uses sharp/libvips with a linear kernel): `stretch` fills the size ignoring
  the aspect ratio, `center-crop` scales to cover and crops the middle, `letterbox` scales to fit and
  pads with black, with libvips' sizes and offsets. Shrinking uses Pillow's antialiased BILINEAR
  (within a grey level of libvips on average); enlarging samples as libvips does (x_in = x_out /
  scale - 0.5, bilinear), which agrees to rounding. Residual differences: stretching that enlarges one
  side while it shrinks the other (about three levels), JPEGs shrunk 3x or more (libvips decodes them
  at a reduced DCT scale first: a few levels), CMYK images (converted without their ICC profile), and
  16-bit images (reduced to 8 bits by dividing by 257).
- Normalisation: x = (pixel * scale - mean[c]) / std[c], channels in the network's order (BGR for
  Caffe-style networks), laid out channels-first (NCHW) for PyTorch.
- Augmentation (training split only): the studio's transforms with the studio's random draws per
  (seed, epoch, file): horizontal flip, shift by whole pixels, rotation about the centre (bilinear,
  corners black), contrast about each channel's mean, then brightness, clamped to [0, 1].
"""

import math
import os
import sys
import unicodedata

import numpy as np
import torch
from PIL import Image, ImageOps
from torch.utils.data import Dataset, DistributedSampler

SPLIT_FOLDERS = {"train": "train", "val": "validation", "validation": "validation", "test": "test"}
SYSTEM_NAMES = {"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", "__macosx", "$recycle.bin", "system volume information", "@eadir", "icon\r"}
MAX_DEPTH = 32


class DatasetError(Exception):
    """The image folder cannot train this network; the message says why and what to do."""


# The studio's seeded randomness (src/main/services/data/random.ts), bit for bit -------------------


def _imul(a, b):
    return (a * b) & 0xFFFFFFFF


def hash_key(*parts):
    """FNV-1a over the UTF-16 code units of the parts joined by '/', then MurmurHash3's finaliser."""
    text = "/".join(str(p) for p in parts)
    units = text.encode("utf-16-le")
    h = 0x811C9DC5
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = _imul(h, 0x01000193)
    h ^= h >> 16
    h = _imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = _imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h


def create_random(seed):
    """mulberry32: uniform numbers in [0, 1) from a 32-bit seed."""
    state = seed & 0xFFFFFFFF

    def next_value():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_value


def random_for(*parts):
    return create_random(hash_key(*parts))


def shuffle_in_place(items, random):
    for i in range(len(items) - 1, 0, -1):
        j = math.floor(random() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def js_round(value):
    """JavaScript's Math.round: halves go up."""
    return math.floor(value + 0.5)


def epoch_order(count, seed, epoch):
    """The studio's shuffled order of the training samples in an epoch (1-based)."""
    return shuffle_in_place(list(range(count)), random_for(seed, "order", epoch))


def validation_count(n, fraction):
    if fraction <= 0 or n < 2:
        return 0
    return min(n - 1, max(1, js_round(n * fraction)))


# Scanning -----------------------------------------------------------------------------------------


def sniff_image(head):
    """The image format from a file's first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"GIF87a") or head.startswith(b"GIF89a"):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM") and len(head) >= 26 and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    return None


def _hidden(name):
    return name.startswith(".") or name.lower() in SYSTEM_NAMES


def _sorted_names(folder):
    # Python compares str by code point, as the studio's scan does.
    return sorted(name for name in os.listdir(folder) if not _hidden(name))


class Sample:
    __slots__ = ("path", "file", "label", "class_name")

    def __init__(self, path, file, label, class_name):
        self.path = path
        self.file = file  # relative to the root, '/'-separated: the key of the augmentation draws
        self.label = label
        self.class_name = class_name


class DatasetIndex:
    def __init__(self, root, layout, classes, train, validation, report):
        self.root = root
        self.layout = layout
        self.classes = classes
        self.train = train
        self.validation = validation
        self.report = report


def _check_file(path):
    """None for a usable image, else (skip code, reason)."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            return ("empty", "it is empty (0 bytes)")
        with open(path, "rb") as handle:
            head = handle.read(64)
    except OSError as error:
        return ("unreadable", f"it cannot be read ({error.strerror or error})")
    if sniff_image(head) is None:
        return ("not-an-image", "its content is not a PNG, JPEG, WebP, BMP, GIF or TIFF image")
    return None


def _scan_class(folder, rel, depth, seen, skipped, ignored, split, class_name):
    files = []
    try:
        names = _sorted_names(folder)
    except OSError as error:
        skipped.append(_skip(rel, folder, "unreadable", f"the folder could not be listed ({error.strerror or error})", split, class_name))
        return files
    for name in names:
        path = os.path.join(folder, name)
        child = f"{rel}/{name}"
        if os.path.isdir(path):
            real = os.path.realpath(path)
            if real in seen:
                skipped.append(_skip(child, path, "symlink-loop", "it is a link to a folder that contains it (a loop)", split, class_name))
            elif depth + 1 >= MAX_DEPTH:
                ignored.append({"file": child, "reason": f"nested more than {MAX_DEPTH} folders deep"})
            else:
                files.extend(_scan_class(path, child, depth + 1, seen | {real}, skipped, ignored, split, class_name))
        elif os.path.isfile(path):
            problem = _check_file(path)
            if problem:
                skipped.append(_skip(child, path, problem[0], problem[1], split, class_name))
            else:
                files.append((path, child))
        else:
            skipped.append(_skip(child, path, "not-a-file", "it is not a regular file (a pipe, socket or device)", split, class_name))
    return files


def _skip(file, path, code, reason, split, class_name):
    return {"file": file, "path": os.path.abspath(path), "code": code, "reason": reason, "stage": "scan", "split": split, "className": class_name}


def _scan_split(folder, rel, split, skipped, ignored):
    """{class name: [(path, file)]} for the class folders of one split folder (or of the root)."""
    classes = {}
    for name in _sorted_names(folder):
        path = os.path.join(folder, name)
        child = name if rel == "" else f"{rel}/{name}"
        if not os.path.isdir(path):
            ignored.append({"file": child, "reason": "not inside a class folder"})
            continue
        class_name = unicodedata.normalize("NFC", name)
        files = _scan_class(path, child, 0, {os.path.realpath(folder), os.path.realpath(path)}, skipped, ignored, split, class_name)
        classes.setdefault(class_name, []).extend(files)
    for files in classes.values():
        files.sort(key=lambda f: f[1])
    return classes


def scan_image_folder(root, validation_split, seed, labels=None):
    """The samples of the training and validation splits, and a report in the studio's format.
    With `labels` (a run's class names in output order) the class folders are matched by name."""
    root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise DatasetError(f"{root} is not a folder of images. Give the folder that holds the class folders (or train/ and val/) with --data.")
    skipped, ignored = [], []
    splits = {}
    for name in _sorted_names(root):
        split = SPLIT_FOLDERS.get(name.lower())
        if split and os.path.isdir(os.path.join(root, name)):
            if split in splits:
                raise DatasetError(f"{root} has both {splits[split]}/ and {name}/; they cannot both be the {split} split. Merge them into one folder, or rename one.")
            splits[split] = name
    validation_classes = None
    if "train" in splits:
        layout = "split-folders"
        for name in _sorted_names(root):
            if name not in splits.values():
                ignored.append({"file": name, "reason": "not inside a split folder (train/, val/, test/)"})
        train_classes = _scan_split(os.path.join(root, splits["train"]), splits["train"], "train", skipped, ignored)
        if "validation" in splits:
            validation_classes = _scan_split(os.path.join(root, splits["validation"]), splits["validation"], "validation", skipped, ignored)
    else:
        stray = splits.get("validation") or splits.get("test")
        if stray:
            raise DatasetError(f"{root} has a {stray}/ folder but no train/ folder. Put the training images in train/<class>/ beside {stray}/.")
        layout = "class-folders"
        train_classes = _scan_split(root, "", "train", skipped, ignored)

    found = sorted(name for name, files in train_classes.items() if files)
    if labels is None:
        classes = found
    else:
        unknown = [name for name in found if name not in labels]
        if unknown:
            raise DatasetError(f"{root} has class folder(s) the network was not made for: {', '.join(unknown)}. The run's classes are {', '.join(labels)}.")
        classes = list(labels)
    if len(classes) < 2:
        raise DatasetError(f"{root} has {len(found)} class folder(s) with images; a classifier needs at least two. Put each class's images in its own sub-folder.")

    train, validation = [], []
    per_class_train = [0] * len(classes)
    per_class_val = [0] * len(classes)
    for label, name in enumerate(classes):
        files = train_classes.get(name, [])
        if validation_classes is None:
            count = validation_count(len(files), validation_split)
            picked = set(shuffle_in_place(list(range(len(files))), random_for(seed, "validation", name))[:count]) if count else set()
            for i, (path, file) in enumerate(files):
                (validation if i in picked else train).append(Sample(path, file, label, name))
        else:
            train.extend(Sample(path, file, label, name) for path, file in files)
            validation.extend(Sample(path, file, label, name) for path, file in validation_classes.get(name, []))
        per_class_train[label] = sum(1 for s in train if s.label == label)
        per_class_val[label] = sum(1 for s in validation if s.label == label)
    if validation_classes is not None:
        extra = sorted(set(validation_classes) - set(classes))
        if extra:
            raise DatasetError(f"The validation folder has class folder(s) that train/ does not: {', '.join(extra)}.")

    report = {
        "format": "cnn-studio/dataset-report",
        "version": 1,
        "root": root,
        "testRoot": None,
        "layout": layout,
        "classes": classes,
        "validation": {
            "source": "folder" if validation_classes is not None else ("split" if validation else "none"),
            "fraction": None if validation_classes is not None else validation_split,
            "seed": None if validation_classes is not None else seed,
        },
        "splits": {
            "train": {"folder": splits.get("train"), "perClass": per_class_train, "total": len(train)},
            "validation": {"folder": splits.get("validation"), "perClass": per_class_val, "total": len(validation)},
            "test": None,
        },
        "filesSeen": len(train) + len(validation) + len(skipped) + len(ignored),
        "skipped": skipped,
        "ignored": ignored,
        "warnings": [],
    }
    return DatasetIndex(root, layout, classes, train, validation, report)


# Decoding and resizing ----------------------------------------------------------------------------


def _axis_matrix(size_in, size_out, scale):
    """Linear interpolation along one axis when enlarging, sampling as libvips does."""
    x = np.clip(np.arange(size_out) / scale - 0.5, 0, size_in - 1)
    x0 = np.floor(x).astype(np.int64)
    x1 = np.minimum(x0 + 1, size_in - 1)
    f = x - x0
    m = np.zeros((size_out, size_in), dtype=np.float64)
    np.add.at(m, (np.arange(size_out), x0), 1 - f)
    np.add.at(m, (np.arange(size_out), x1), f)
    return m


def _resize(image, width, height, scale_x, scale_y):
    """Resizes an RGB PIL image; scale_* > 1 enlarges along that axis (the studio's linear kernel)."""
    w, h = image.size
    # Shrinking axes first, with Pillow's antialiased bilinear filter.
    shrink_w = width if width <= w else w
    shrink_h = height if height <= h else h
    if (shrink_w, shrink_h) != (w, h):
        image = image.resize((shrink_w, shrink_h), Image.BILINEAR)
    if (shrink_w, shrink_h) == (width, height):
        return np.asarray(image, dtype=np.uint8)
    array = np.asarray(image, dtype=np.float64)
    if height > shrink_h:
        array = np.einsum("oi,ijc->ojc", _axis_matrix(shrink_h, height, scale_y), array)
    if width > shrink_w:
        array = np.einsum("pj,ojc->opc", _axis_matrix(shrink_w, width, scale_x), array)
    return np.clip(np.floor(array + 0.5), 0, 255).astype(np.uint8)


def _to_rgb(image):
    """Any Pillow mode to RGB, alpha composited over black (colour * alpha), 16-bit reduced to 8."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(image, dtype=np.float64)
        grey = np.clip(np.floor(values / 257 + 0.5), 0, 255).astype(np.uint8)
        return Image.fromarray(np.repeat(grey[:, :, None], 3, axis=2), "RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.uint16)
        rgb = (rgba[:, :, :3] * rgba[:, :, 3:4] + 127) // 255
        return Image.fromarray(rgb.astype(np.uint8), "RGB")
    return image.convert("RGB")


def decode_image(path, height, width, channels, resize):
    """An image file as uint8 pixels [height, width, channels], fitted as `resize` says."""
    with Image.open(path) as opened:
        opened.seek(0)
        image = _to_rgb(ImageOps.exif_transpose(opened))
    w, h = image.size
    if resize == "stretch":
        pixels = _resize(image, width, height, width / w, height / h)
    elif resize == "center-crop":
        scale = max(width / w, height / h)
        rw, rh = max(width, js_round(w * scale)), max(height, js_round(h * scale))
        full = _resize(image, rw, rh, scale, scale)
        left, top = (rw - width + 1) // 2, (rh - height + 1) // 2
        pixels = full[top : top + height, left : left + width]
    elif resize == "letterbox":
        scale = min(width / w, height / h)
        rw, rh = min(width, max(1, js_round(w * scale))), min(height, max(1, js_round(h * scale)))
        inner = _resize(image, rw, rh, scale, scale)
        pixels = np.zeros((height, width, 3), dtype=np.uint8)
        left, top = (width - rw) // 2, (height - rh) // 2
        pixels[top : top + rh, left : left + rw] = inner
    else:
        raise ValueError(f"unknown resize mode {resize!r}")
    if channels == 1:
        rgb = pixels.astype(np.uint32)
        grey = (rgb[:, :, 0] * 19595 + rgb[:, :, 1] * 38470 + rgb[:, :, 2] * 7471 + 32768) >> 16
        return grey.astype(np.uint8)[:, :, None]
    return np.ascontiguousarray(pixels)


# Augmentation (src/main/services/data/augmentation.ts) --------------------------------------------


def augmentation_active(settings):
    return bool(settings) and (settings["horizontalFlip"] or settings["shift"] > 0 or settings["rotation"] > 0 or settings["brightness"] > 0 or settings["contrast"] > 0)


def draw_augmentation(settings, random, height, width):
    """Six draws, always in this order, so switching one transform leaves the others' draws alone."""
    symmetric = lambda: random() * 2 - 1  # noqa: E731
    flip = random() < 0.5
    sx, sy, angle, brightness, contrast = symmetric(), symmetric(), symmetric(), symmetric(), symmetric()
    return {
        "flip": settings["horizontalFlip"] and flip,
        "shiftX": js_round(sx * settings["shift"] * width),
        "shiftY": js_round(sy * settings["shift"] * height),
        "angle": angle * settings["rotation"],
        "brightness": brightness * settings["brightness"],
        "contrast": 1 + contrast * settings["contrast"],
    }


def apply_augmentation(unit, draw):
    """unit: float32 [H, W, C] in [0, 1]. Colour first (so the fill stays black), then geometry."""
    if draw["contrast"] != 1 or draw["brightness"] != 0:
        mean = unit.mean(axis=(0, 1), keepdims=True, dtype=np.float64)
        unit = np.clip((unit - mean) * draw["contrast"] + mean + draw["brightness"], 0, 1).astype(np.float32)
    if not (draw["flip"] or draw["shiftX"] or draw["shiftY"] or draw["angle"]):
        return unit
    h, w, c = unit.shape
    out = np.zeros_like(unit)
    if draw["angle"] == 0:
        ys = np.arange(h) - draw["shiftY"]
        xs = np.arange(w) - draw["shiftX"]
        valid_y = (ys >= 0) & (ys < h)
        valid_x = (xs >= 0) & (xs < w)
        source_x = xs[valid_x]
        if draw["flip"]:
            source_x = w - 1 - source_x
        out[np.ix_(valid_y, valid_x)] = unit[np.ix_(ys[valid_y], source_x)]
        return out
    theta = draw["angle"] * math.pi / 180
    cos, sin = math.cos(theta), math.sin(theta)
    flip = -1 if draw["flip"] else 1
    v = (np.arange(h) + 0.5 - h / 2 - draw["shiftY"])[:, None]
    u = (np.arange(w) + 0.5 - w / 2 - draw["shiftX"])[None, :]
    sx = flip * (u * cos - v * sin) + w / 2 - 0.5
    sy = u * sin + v * cos + h / 2 - 0.5
    x0 = np.floor(sx).astype(np.int64)
    y0 = np.floor(sy).astype(np.int64)
    fx, fy = sx - x0, sy - y0
    inside = (x0 >= -1) & (y0 >= -1) & (x0 < w) & (y0 < h)
    acc = np.zeros((h, w, c), dtype=np.float64)
    for dx, dy, weight in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xi, yi = x0 + dx, y0 + dy
        ok = inside & (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h) & (weight != 0)
        acc[ok] += unit[yi[ok], xi[ok]] * weight[ok][:, None]
    return acc.astype(np.float32)


# Datasets -----------------------------------------------------------------------------------------


def normalize(pixels, preprocessing):
    """uint8 (or unit-float * 255) HWC pixels -> float32 CHW network input."""
    values = pixels.astype(np.float32)
    if preprocessing["channels"] == 3 and preprocessing["channelOrder"] == "bgr":
        values = values[:, :, ::-1]
    mean = np.asarray(preprocessing["mean"], dtype=np.float32)
    std = np.asarray(preprocessing["std"], dtype=np.float32)
    x = (values * np.float32(preprocessing["scale"]) - mean) / std
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))


class ImageFolderDataset(Dataset):
    """(image tensor [C, H, W], label) pairs, augmented with the studio's draws when `augmentation` is on."""

    def __init__(self, samples, preprocessing, augmentation=None, seed=0):
        self.samples = samples
        self.preprocessing = preprocessing
        self.augmentation = augmentation if augmentation_active(augmentation) else None
        self.seed = seed
        self.epoch = 1

    def set_epoch(self, epoch):
        """The epoch the next iteration draws augmentations for (DataLoader workers copy it)."""
        self.epoch = epoch

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        # A file that fails to decode (truncated, corrupt) is reported and replaced by the next one, so
        # one bad image does not end a long run and every process keeps the same number of steps.
        for attempt in range(min(len(self.samples), 16)):
            sample = self.samples[(index + attempt) % len(self.samples)]
            try:
                return self._load(sample)
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
                try:
                    print(f"Warning: {sample.path} cannot be decoded ({error}); the next image takes its place.", file=sys.stderr, flush=True)
                except OSError:
                    pass  # nobody reads stderr any more; the run goes on
        raise DatasetError(f"{min(len(self.samples), 16)} images in a row could not be decoded, starting at {self.samples[index].path}.")

    def _load(self, sample):
        p = self.preprocessing
        pixels = decode_image(sample.path, p["height"], p["width"], p["channels"], p["resize"])
        if self.augmentation:
            draw = draw_augmentation(self.augmentation, random_for(self.seed, "augment", self.epoch, sample.file), p["height"], p["width"])
            pixels = apply_augmentation(pixels.astype(np.float32) / 255, draw) * 255
        return normalize(pixels, p), sample.label


class StudioOrderSampler(DistributedSampler):
    """DistributedSampler with the studio's epoch order: in epoch e, the global order is the studio's
    shuffle for (seed, e); each of W workers takes every W-th index, so with a per-worker batch of B/W
    the workers' batches of one step together are B consecutive samples of that order, the studio's
    global batch. One worker reproduces the studio's order exactly."""

    def __init__(self, dataset, num_replicas, rank, seed):
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=True, seed=seed, drop_last=False)
        self.studio_epoch = 1

    def set_epoch(self, epoch):
        super().set_epoch(epoch)
        self.studio_epoch = epoch

    def __iter__(self):
        indices = epoch_order(len(self.dataset), self.seed, self.studio_epoch)
        padding = self.total_size - len(indices)
        if padding > 0:
            indices += (indices * math.ceil(padding / len(indices)))[:padding]
        return iter(indices[self.rank : self.total_size : self.num_replicas])


def channel_sums(samples, preprocessing):
    """Per-channel sums of pixel/255 and of its square, and the pixel count, for dataset-mean-std."""
    channels = preprocessing["channels"]
    sums = np.zeros(channels)
    squares = np.zeros(channels)
    pixels = 0
    for sample in samples:
        image = decode_image(sample.path, preprocessing["height"], preprocessing["width"], channels, preprocessing["resize"]).astype(np.float64)
        sums += image.sum(axis=(0, 1)) / 255
        squares += (image**2).sum(axis=(0, 1)) / (255 * 255)
        pixels += image.shape[0] * image.shape[1]
    return sums, squares, pixels


IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CAFFE_BGR_MEAN = [103.939, 116.779, 123.68]


def resolve_preprocessing(preset, height, width, channels, resize, stats=None):
    """The studio's normalisation presets (src/shared/project/preprocessing.ts)."""
    pick = (lambda rgb: rgb) if channels == 3 else (lambda rgb: [sum(rgb) / len(rgb)])
    base = {"height": height, "width": width, "channels": channels, "resize": resize}
    if preset == "pixel/255":
        return {**base, "scale": 1 / 255, "mean": [0] * channels, "std": [1] * channels, "channelOrder": "rgb"}
    if preset == "dataset-mean-std":
        return {**base, "scale": 1 / 255, "mean": stats["mean"], "std": [max(s, 1e-6) for s in stats["std"]], "channelOrder": "rgb"}
    if preset == "imagenet-torch":
        return {**base, "scale": 1 / 255, "mean": pick(IMAGENET_MEAN), "std": pick(IMAGENET_STD), "channelOrder": "rgb"}
    if preset == "imagenet-keras-caffe":
        return {**base, "scale": 1, "mean": pick(CAFFE_BGR_MEAN), "std": [1] * channels, "channelOrder": "bgr" if channels == 3 else "rgb"}
    raise ValueError(f"unknown normalisation {preset!r}")
