"""MACs of convolution + fully connected layers in torchvision's ResNet-18, ResNet-50, VGG-16 and MobileNetV2 at
1x3x224x224, counted with forward hooks (the peer for ModelCost's `Macs` convention).

Hook rule, per call:  Conv2d MACs = output.numel() * (in_channels / groups) * kh * kw
                      Linear MACs = output.numel() * in_features
Run:  OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/torchvision_macs.py
"""
import torch
import torch.nn as nn
import torchvision.models as tvm


def count_macs(model, x):
    counts = {"conv": 0, "linear": 0}

    def conv_hook(m, inp, out):
        kh, kw = m.kernel_size
        counts["conv"] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m, inp, out):
        counts["linear"] += out.numel() * m.in_features

    handles = []
    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            handles.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            handles.append(mod.register_forward_hook(linear_hook))
    model.eval()
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return counts


if __name__ == "__main__":
    print("torch", torch.__version__)
    x = torch.zeros(1, 3, 224, 224)
    for name, ctor in [("resnet18", tvm.resnet18), ("resnet50", tvm.resnet50), ("vgg16", tvm.vgg16),
                        ("mobilenet_v2", tvm.mobilenet_v2)]:
        model = ctor()  # random weights: MACs depend only on shapes
        c = count_macs(model, x)
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: conv MACs {c['conv']}  linear MACs {c['linear']}  total MACs {c['conv'] + c['linear']}  params {params}")
