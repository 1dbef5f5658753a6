"""Writes examples/specs/{resnet18,resnet50,vgg16}.yaml: torchvision's ResNet-18/50 and VGG-16 at 224x224x3
as ModelCost specs (channels last, Keras layer names for options), and resnet18_cifar.yaml: ResNet-18 adapted
to 32x32x3 the usual CIFAR way (torchvision's BasicBlock stages unchanged; the stem is one 3x3 stride-1 conv +
BN + ReLU with no max-pool, so layer1 sees 32x32; 10 classes) - the speed issue's bigger workload.

How torchvision builds them, and how each piece is written here:
- Convs in ResNets have no bias and are followed by BatchNorm2d (eps 1e-5, momentum 0.1 = Keras momentum 0.9).
- Symmetric padding: torch pads k//2 on both sides. For stride 1 that is exactly Keras padding='same'; for stride 2
  Keras 'same' would pad (0, 1), so those convs (and the stem 7x7/2 and the 3x3/2 max-pool) get an explicit
  ZeroPadding2D followed by a 'valid' conv/pool. Zero padding before the max-pool equals torch's -inf padding
  because the pool follows a ReLU (inputs >= 0).
- Residual blocks: Add of the last BN and the shortcut (identity, or 1x1-conv + BN downsample), then ReLU.
- avgpool + fc: GlobalAveragePooling2D + Dense(1000).
- VGG-16: 3x3 convs with bias and ReLU, 2x2 max-pools; AdaptiveAvgPool2d((7, 7)) is the identity at 224x224
  (the feature map is already 7x7) so it is left out; classifier Linear-ReLU-Dropout twice and Linear(1000).
  torch flattens NCHW while Keras flattens NHWC: same parameter count, different weight order.

Run: /usr/bin/python3 tests/peer/gen_torchvision_specs.py  (needs no torch; counts are checked by the xunit tests).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "examples", "specs")


def bn(name):
    return f"{{type: BatchNormalization, name: {name}, epsilon: 1.0E-05, momentum: 0.9}}"


def conv(name, filters, k, strides=1, padding="valid", inputs=None):
    s = f"{{type: Conv2D, name: {name}"
    if inputs:
        s += f", inputs: [{', '.join(inputs)}]"
    s += f", filters: {filters}, kernel_size: {k}"
    if strides != 1:
        s += f", strides: {strides}"
    if padding != "valid":
        s += f", padding: {padding}"
    return s + ", use_bias: false}"


def conv3x3(layers, name, filters, stride):
    """torch conv3x3(padding=1): 'same' at stride 1, ZeroPadding2D(1) + valid at stride 2."""
    if stride == 1:
        layers.append(conv(name, filters, 3, padding="same"))
    else:
        layers.append(f"{{type: ZeroPadding2D, name: {name}_pad, padding: 1}}")
        layers.append(conv(name, filters, 3, strides=stride))


def stem(layers):
    layers.append("{type: ZeroPadding2D, name: conv1_pad, padding: 3}")
    layers.append(conv("conv1", 64, 7, strides=2))
    layers.append(bn("bn1"))
    layers.append("{type: Activation, name: relu, activation: relu}")
    layers.append("{type: ZeroPadding2D, name: maxpool_pad, padding: 1}")
    layers.append("{type: MaxPooling2D, name: maxpool, pool_size: 3, strides: 2}")
    return "maxpool"


def cifar_stem(layers):
    """torchvision resnet18 with conv1 = Conv2d(3, 64, 3, 1, 1, bias=False) and maxpool = Identity."""
    layers.append(conv("conv1", 64, 3, padding="same"))
    layers.append(bn("bn1"))
    layers.append("{type: Activation, name: relu, activation: relu}")
    return "relu"


def resnet(kind, blocks, classes=1000, stem=stem):
    layers = []
    prev = stem(layers)
    inplanes = 64
    for stage, (planes, n) in enumerate(zip([64, 128, 256, 512], blocks), start=1):
        for b in range(n):
            stride = 2 if stage > 1 and b == 0 else 1
            p = f"layer{stage}.{b}"
            block_in = prev
            if kind == "basic":
                conv3x3(layers, f"{p}.conv1", planes, stride)
                layers.append(bn(f"{p}.bn1"))
                layers.append(f"{{type: Activation, name: {p}.relu1, activation: relu}}")
                conv3x3(layers, f"{p}.conv2", planes, 1)
                layers.append(bn(f"{p}.bn2"))
                last, out = f"{p}.bn2", planes
            else:
                layers.append(conv(f"{p}.conv1", planes, 1))
                layers.append(bn(f"{p}.bn1"))
                layers.append(f"{{type: Activation, name: {p}.relu1, activation: relu}}")
                conv3x3(layers, f"{p}.conv2", planes, stride)
                layers.append(bn(f"{p}.bn2"))
                layers.append(f"{{type: Activation, name: {p}.relu2, activation: relu}}")
                layers.append(conv(f"{p}.conv3", planes * 4, 1))
                layers.append(bn(f"{p}.bn3"))
                last, out = f"{p}.bn3", planes * 4
            shortcut = block_in
            if stride != 1 or inplanes != out:
                layers.append(conv(f"{p}.downsample.0", out, 1, strides=stride, inputs=[block_in]))
                layers.append(bn(f"{p}.downsample.1"))
                shortcut = f"{p}.downsample.1"
            layers.append(f"{{type: Add, name: {p}.add, inputs: [{last}, {shortcut}]}}")
            layers.append(f"{{type: Activation, name: {p}.relu, activation: relu}}")
            prev = f"{p}.relu"
            inplanes = out
    layers.append("{type: GlobalAveragePooling2D, name: avgpool}")
    layers.append(f"{{type: Dense, name: fc, units: {classes}}}")
    return layers


def vgg16():
    layers = []
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    i = 0
    for v in cfg:
        if v == "M":
            layers.append(f"{{type: MaxPooling2D, name: features.{i}, pool_size: 2, strides: 2}}")
            i += 1
        else:
            layers.append(f"{{type: Conv2D, name: features.{i}, filters: {v}, kernel_size: 3, padding: same, activation: relu}}")
            i += 2  # conv + ReLU in torchvision's numbering
    layers.append("{type: Flatten, name: flatten}")
    layers.append("{type: Dense, name: classifier.0, units: 4096, activation: relu}")
    layers.append("{type: Dropout, name: classifier.2, rate: 0.5}")
    layers.append("{type: Dense, name: classifier.3, units: 4096, activation: relu}")
    layers.append("{type: Dropout, name: classifier.5, rate: 0.5}")
    layers.append("{type: Dense, name: classifier.6, units: 1000}")
    return layers


def write(fname, name, desc, comment, layers, input_shape="[224, 224, 3]"):
    with open(os.path.join(OUT, fname), "w") as f:
        f.write(comment)
        f.write("# Generated by tests/peer/gen_torchvision_specs.py (see its docstring for how torch layers map).\n")
        f.write(f"apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: {name}\n  description: \"{desc}\"\n")
        f.write(f"spec:\n  inputShape: {input_shape}\n  layers:\n")
        for l in layers:
            f.write(f"    - {l}\n")


write("resnet18.yaml", "ResNet18", "torchvision resnet18 at 224x224x3 (BasicBlock x [2, 2, 2, 2]).",
      "# torchvision.models.resnet18(): 11,689,512 parameters (sum of p.numel() over m.parameters()).\n", resnet("basic", [2, 2, 2, 2]))
write("resnet50.yaml", "ResNet50", "torchvision resnet50 (v1.5, stride on the 3x3 conv) at 224x224x3 (Bottleneck x [3, 4, 6, 3]).",
      "# torchvision.models.resnet50(): 25,557,032 parameters (sum of p.numel() over m.parameters()).\n", resnet("bottleneck", [3, 4, 6, 3]))
write("vgg16.yaml", "VGG16", "torchvision vgg16 (no BatchNorm) at 224x224x3.",
      "# torchvision.models.vgg16(): 138,357,544 parameters (sum of p.numel() over m.parameters()).\n", vgg16())
write("resnet18_cifar.yaml", "ResNet18_32x32", "ResNet-18 at 32x32x3: torchvision BasicBlock x [2, 2, 2, 2], 3x3 stride-1 stem, no max-pool, 10 classes.",
      "# torchvision.models.resnet18(num_classes=10) with conv1 = Conv2d(3, 64, 3, 1, 1, bias=False) and maxpool = Identity:\n"
      "# 11,173,962 parameters (11,689,512 - 9,408 (7x7x3x64) + 1,728 (3x3x3x64) - 513,000 (fc 512x1000+1000) + 5,130 (fc 512x10+10)).\n",
      resnet("basic", [2, 2, 2, 2], classes=10, stem=cifar_stem), input_shape="[32, 32, 3]")
