using ModelCost.Core.Specs;

namespace ModelCost.Core.Tests.Costing;

/// <summary>
/// torchvision's ResNet-18/50 and VGG-16 written layer by layer as Keras-style specs, independently of
/// examples/specs (which the specs engineer generated), so the two can be checked against each other.
/// torch's padding=p becomes ZeroPadding2D(p) + valid conv for strided convs and 'same' for stride 1.
/// </summary>
internal static class TorchvisionModels
{
    private sealed class Builder(string name, int[] input)
    {
        private readonly List<LayerSpec> _layers = [];
        public string Last { get; private set; } = ShapeInference.InputName;

        public string Add(LayerSpec layer)
        {
            var named = new LayerSpec
            {
                Type = layer.Type, Name = $"l{_layers.Count}", Inputs = layer.Inputs ?? [Last], Units = layer.Units, Filters = layer.Filters,
                KernelSize = layer.KernelSize, Strides = layer.Strides, Padding = layer.Padding, Activation = layer.Activation,
                UseBias = layer.UseBias, PoolSize = layer.PoolSize, ZeroPadding = layer.ZeroPadding, Rate = layer.Rate,
            };
            _layers.Add(named);
            Last = named.Name!;
            return Last;
        }

        public string Conv(int filters, int k, int stride = 1, bool bias = false, string? act = null)
        {
            int pad = k / 2;
            if (stride > 1 && pad > 0) Add(new() { Type = "ZeroPadding2D", ZeroPadding = [pad] });
            return Add(new()
            {
                Type = "Conv2D", Filters = filters, KernelSize = [k], Strides = [stride], UseBias = bias, Activation = act,
                Padding = stride == 1 && k > 1 ? "same" : "valid",
            });
        }

        public string BnRelu(bool relu = true)
        {
            Add(new() { Type = "BatchNormalization" });
            return relu ? Add(new() { Type = "Activation", Activation = "relu" }) : Last;
        }

        public ModelSpec Build() => new() { Name = name, InputShape = input, Layers = _layers };
    }

    public static ModelSpec ResNet(int depth)
    {
        bool bottleneck = depth == 50;
        int[] blocks = depth == 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
        var b = new Builder($"ResNet{depth}", [224, 224, 3]);
        b.Conv(64, 7, 2); b.BnRelu();
        b.Add(new() { Type = "ZeroPadding2D", ZeroPadding = [1] });
        b.Add(new() { Type = "MaxPooling2D", PoolSize = [3], Strides = [2] });
        int inPlanes = 64;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = 64 << stage;
            for (int i = 0; i < blocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                string blockIn = b.Last;
                int outPlanes = bottleneck ? planes * 4 : planes;
                if (bottleneck)
                {
                    b.Conv(planes, 1); b.BnRelu();
                    b.Conv(planes, 3, stride); b.BnRelu(); // torchvision v1.5: the stride sits on the 3×3
                    b.Conv(outPlanes, 1); b.BnRelu(relu: false);
                }
                else
                {
                    b.Conv(planes, 3, stride); b.BnRelu();
                    b.Conv(planes, 3); b.BnRelu(relu: false);
                }
                string main = b.Last;
                string shortcut = blockIn;
                if (stride != 1 || inPlanes != outPlanes)
                {
                    b.Add(new() { Type = "Conv2D", Inputs = [blockIn], Filters = outPlanes, KernelSize = [1], Strides = [stride], UseBias = false });
                    shortcut = b.BnRelu(relu: false);
                }
                b.Add(new() { Type = "Add", Inputs = [main, shortcut] });
                b.Add(new() { Type = "Activation", Activation = "relu" });
                inPlanes = outPlanes;
            }
        }
        b.Add(new() { Type = "GlobalAveragePooling2D" });
        b.Add(new() { Type = "Dense", Units = 1000 });
        return b.Build();
    }

    public static ModelSpec Vgg16()
    {
        var b = new Builder("VGG16", [224, 224, 3]);
        foreach (var v in new[] { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 })
        {
            if (v == 0) b.Add(new() { Type = "MaxPooling2D", PoolSize = [2] });
            else b.Conv(v, 3, bias: true, act: "relu");
        }
        // torchvision's AdaptiveAvgPool2d((7, 7)) is the identity at 224×224 (the features are already 7×7).
        b.Add(new() { Type = "Flatten" });
        b.Add(new() { Type = "Dense", Units = 4096, Activation = "relu" });
        b.Add(new() { Type = "Dropout", Rate = 0.5 });
        b.Add(new() { Type = "Dense", Units = 4096, Activation = "relu" });
        b.Add(new() { Type = "Dropout", Rate = 0.5 });
        b.Add(new() { Type = "Dense", Units = 1000 });
        return b.Build();
    }
}
