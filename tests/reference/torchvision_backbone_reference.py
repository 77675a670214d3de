#!/usr/bin/python3
"""An independent reference for the ImageNet backbones: torchvision's own
ResNet-18, -34, -50 and MobileNetV2 (Debian's python3-torchvision), built with
random weights, saved as a Hub folder in torchvision's tensor names, with the
logits torchvision gives on a batch of pictures. No timm, no safetensors
package: the file is written here from the format's description.

    torchvision_backbone_reference.py OUT_FOLDER SIZE

writes, for each architecture A:
  OUT_FOLDER/A/model.safetensors   every state_dict tensor (num_batches_tracked as I64)
  OUT_FOLDER/A/config.json         (resnet18 only) timm's keys, with label_names
  OUT_FOLDER/A-logits.safetensors  eval_1, eval_7, train_1, train_7: logits of the
                                   first picture and of all seven (channels-last, as
                                   Cradle lays images out), in evaluation and training mode (batch statistics; the classifier's
                                   dropout off); after_train_7.NAME: NAME's batch-norm
                                   statistics after the training-mode batch of seven
and OUT_FOLDER/pictures.safetensors: "pictures", [7, 3, SIZE, SIZE], ImageNet-normalised;
OUT_FOLDER/photo.png, a picture at SIZE / 0.95 (resnet18's crop_pct), whose centre
resnet18 classifies as photo_probabilities in its logits file.

The pictures are drawn with PIL (shapes, gradients, text) so that activations
have an image's statistics rather than noise's. Batch-norm statistics are
calibrated on them (and their mirror images) as training would leave them,
and the norms' scales and shifts are randomised, so evaluation mode is not an
identity.
"""
import copy
import json
import os
import struct
import sys

import numpy as np
import torch
import torchvision
from PIL import Image, ImageDraw

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def pictures(size):
    rng = np.random.default_rng(7)
    return torch.stack([normalised(drawn(size, rng, i)) for i in range(7)])


def normalised(picture):
    pixels = torch.from_numpy(np.asarray(picture, dtype=np.float32) / 255).permute(2, 0, 1)
    return (pixels - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


def drawn(size, rng, i):
    y, x = np.mgrid[0:size, 0:size] / size
    base = np.stack([x * rng.uniform(0.2, 1), y * rng.uniform(0.2, 1), (x + y) / 2 * rng.uniform(0.2, 1)], -1)
    picture = Image.fromarray((base * 255).astype(np.uint8))
    draw = ImageDraw.Draw(picture)
    for _ in range(4):
        x0, y0 = rng.integers(0, size // 2, 2)
        x1, y1 = x0 + rng.integers(size // 8, size // 2, 2)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.uniform() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rectangle([x0, y0, x1, y1], outline=colour, width=3)
    draw.text((size // 8, size // 2), "cradle %d" % i, fill=(255, 255, 255))
    return picture


def norms(model):
    return [(name, m) for name, m in model.named_modules() if isinstance(m, torch.nn.BatchNorm2d)]


def calibrate(model, images):
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _, norm in norms(model):
            norm.weight.uniform_(0.5, 1.5, generator=generator)
            norm.bias.normal_(0, 0.2, generator=generator)
            norm.reset_running_stats()
            norm.momentum = None  # a cumulative average over the calibration batches
        model.train()
        for batch in (images, images.flip(3)):
            model(batch)
        for _, norm in norms(model):
            norm.momentum = 0.1
    model.eval()


def channels_last(model):
    """The model's layout as Cradle's: channels-last (NHWC), which oneDNN runs
    fastest here. It also decides how oneDNN orders its sums: in training mode,
    where batch norm divides by a batch's own small variances, PyTorch's own
    outputs in its two layouts differ by ~1e-4 (measured: 1.6e-4 for ResNet-50,
    4.5e-4 for MobileNetV2 at batch 7), so the comparison is made in one."""
    return copy.deepcopy(model).to(memory_format=torch.channels_last)


def training_mode(model):
    model = channels_last(model)
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.Dropout):
            m.eval()
    return model


def main():
    out, size = sys.argv[1], int(sys.argv[2])
    torch.manual_seed(0)
    images = pictures(size).contiguous(memory_format=torch.channels_last)
    write_safetensors(os.path.join(out, "pictures.safetensors"), {"pictures": images})
    for arch in ("resnet18", "resnet34", "resnet50", "mobilenet_v2"):
        model = getattr(torchvision.models, arch)(weights=None)
        calibrate(model, images)
        folder = os.path.join(out, arch)
        os.makedirs(folder, exist_ok=True)
        write_safetensors(os.path.join(folder, "model.safetensors"), model.state_dict())
        if arch == "resnet18":
            config = {"architecture": "resnet18", "num_classes": 1000, "num_features": 512, "global_pool": "avg",
                      "label_names": ["class %d" % i for i in range(1000)],
                      "pretrained_cfg": {"input_size": [3, size, size], "interpolation": "bicubic",
                                         "crop_pct": 0.95, "mean": MEAN, "std": STD, "num_classes": 1000,
                                         "first_conv": "conv1", "classifier": "fc"}}
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(config, f, indent=2)
        results = {}
        with torch.no_grad():
            results["eval_1"] = channels_last(model)(images[:1])
            results["eval_7"] = channels_last(model)(images)
            results["train_1"] = training_mode(model)(images[:1])
            trained = training_mode(model)
            results["train_7"] = trained(images)
            for name, norm in norms(trained)[:2] + norms(trained)[-1:]:
                results["after_train_7." + name + ".running_mean"] = norm.running_mean
                results["after_train_7." + name + ".running_var"] = norm.running_var
            if arch == "resnet18":  # a photo as a user has it: decoded at size / crop_pct, the centre cut out
                decoded = round(size / 0.95)
                photo = drawn(decoded, np.random.default_rng(11), 0)
                photo.save(os.path.join(out, "photo.png"))
                top = (decoded - size) // 2
                centre = normalised(photo)[:, top:top + size, top:top + size]
                results["photo_probabilities"] = torch.softmax(model(centre[None]), 1)[0]
        write_safetensors(os.path.join(out, arch + "-logits.safetensors"), results)


if __name__ == "__main__":
    main()
