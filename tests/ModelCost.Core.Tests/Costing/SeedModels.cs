using ModelCost.Core.Specs;

namespace ModelCost.Core.Tests.Costing;

/// <summary>The seed notebooks' models written as specs (layer for layer as in the Keras code).</summary>
internal static class SeedModels
{
    public static LayerSpec Dense(int units, string? act = null, string? name = null) => new() { Type = "Dense", Units = units, Activation = act, Name = name };
    public static LayerSpec Conv2D(int filters, int k, string? act = null, string? padding = null) =>
        new() { Type = "Conv2D", Filters = filters, KernelSize = [k], Activation = act, Padding = padding };
    public static LayerSpec Conv3D(int filters, int k, string? act = null) => new() { Type = "Conv3D", Filters = filters, KernelSize = [k], Activation = act };
    public static LayerSpec Pool2D(int p = 2) => new() { Type = "MaxPooling2D", PoolSize = [p] };
    public static LayerSpec Pool3D(int p = 2) => new() { Type = "MaxPooling3D", PoolSize = [p] };
    public static LayerSpec Flatten() => new() { Type = "Flatten" };
    public static LayerSpec Dropout(double r) => new() { Type = "Dropout", Rate = r };
    public static LayerSpec BatchNorm() => new() { Type = "BatchNormalization" };

    /// <summary>Seeds 000/001: Flatten(28,28) → Dense 256 relu → Dense 128 relu → Dense 10 softmax.</summary>
    public static ModelSpec Mlp() => new()
    {
        Name = "MLP", InputShape = [28, 28],
        Layers = [Flatten(), Dense(256, "relu"), Dense(128, "relu"), Dense(10, "softmax")],
    };

    /// <summary>Seeds 000/001: Conv 16@3 relu, pool 2, Conv 32@3 relu, pool 2, Flatten, Dense 64 relu, Dense 10 softmax on (28,28,1).</summary>
    public static ModelSpec Cnn() => new()
    {
        Name = "CNN", InputShape = [28, 28, 1],
        Layers = [Conv2D(16, 3, "relu"), Pool2D(), Conv2D(32, 3, "relu"), Pool2D(), Flatten(), Dense(64, "relu"), Dense(10, "softmax")],
    };

    /// <summary>Seed 003 Q1: 784 → 512 relu → 256 relu → 128 relu → 1 sigmoid.</summary>
    public static ModelSpec Seed003Q1() => new()
    {
        Name = "Q1", InputShape = [784],
        Layers = [Dense(512, "relu"), Dense(256, "relu"), Dense(128, "relu"), Dense(1, "sigmoid")],
    };

    /// <summary>Seed 003 Q2: 784 → 512 relu → 256 relu → 128 relu → 10 softmax.</summary>
    public static ModelSpec Seed003Q2() => new()
    {
        Name = "Q2", InputShape = [784],
        Layers = [Dense(512, "relu"), Dense(256, "relu"), Dense(128, "relu"), Dense(10, "softmax")],
    };

    /// <summary>Seed 003 Q3: Conv 32@3 relu, pool, Conv 64@3 relu, pool, Flatten, Dense 64 relu, Dense 10 softmax on (28,28,1).</summary>
    public static ModelSpec Seed003Q3() => new()
    {
        Name = "Q3", InputShape = [28, 28, 1],
        Layers = [Conv2D(32, 3, "relu"), Pool2D(), Conv2D(64, 3, "relu"), Pool2D(), Flatten(), Dense(64, "relu"), Dense(10, "softmax")],
    };

    /// <summary>Seed 003 Q4: Conv 32, pool, Conv 64, pool, Conv 128, Flatten, Dense 128, Dense 10 softmax on (32,32,3).</summary>
    public static ModelSpec Seed003Q4() => new()
    {
        Name = "Q4", InputShape = [32, 32, 3],
        Layers = [Conv2D(32, 3, "relu"), Pool2D(), Conv2D(64, 3, "relu"), Pool2D(), Conv2D(128, 3, "relu"), Flatten(),
                  Dense(128, "relu"), Dense(10, "softmax")],
    };

    /// <summary>Seed 003 Q5: Conv3D 32@3 relu, pool3D 2, Conv3D 64@3 relu, pool3D 2, Flatten, Dense 128 relu, Dense 5 softmax on (16,64,64,1).</summary>
    public static ModelSpec Seed003Q5() => new()
    {
        Name = "Q5", InputShape = [16, 64, 64, 1],
        Layers = [Conv3D(32, 3, "relu"), Pool3D(), Conv3D(64, 3, "relu"), Pool3D(), Flatten(), Dense(128, "relu"), Dense(5, "softmax")],
    };

    /// <summary>Seed 003 Q6: SimpleRNN(3, relu) on (5, 4) → Dense(2, sigmoid).</summary>
    public static ModelSpec Seed003Q6() => new()
    {
        Name = "Q6", InputShape = [5, 4],
        Layers = [new() { Type = "SimpleRNN", Units = 3, Activation = "relu" }, Dense(2, "sigmoid")],
    };

    /// <summary>Seed 004 BaseLineClassifier: Conv 32@5 same, pool, Conv 64@5 same, pool, Flatten, Dense 1024, Dense 10 (output_layer).</summary>
    public static ModelSpec Seed004Baseline() => new()
    {
        Name = "BaseLineClassifier", InputShape = [28, 28, 1],
        Layers = [Conv2D(32, 5, "relu", "same"), Pool2D(), Conv2D(64, 5, "relu", "same"), Pool2D(), Flatten(),
                  Dense(1024, "relu"), Dense(10, "softmax", "output_layer")],
    };

    /// <summary>Seed 004 DeeperClassifier (24 layers, Conv/BN/pool/dropout, see the seed's summary).</summary>
    public static ModelSpec Seed004Deeper() => new()
    {
        Name = "DeeperClassifier", InputShape = [28, 28, 1],
        Layers =
        [
            Conv2D(64, 3, "relu", "same"), BatchNorm(), Conv2D(64, 3, "relu"), BatchNorm(), Pool2D(), Dropout(0.25),
            Conv2D(128, 3, "relu", "same"), BatchNorm(), Conv2D(128, 3, "relu"), BatchNorm(), Pool2D(), Dropout(0.25),
            Conv2D(256, 3, "relu", "same"), BatchNorm(), Conv2D(256, 3, "relu"), BatchNorm(), Pool2D(), Dropout(0.25),
            Flatten(), Dense(1024, "relu"), Dropout(0.5), Dense(512, "relu"), Dropout(0.5), Dense(10, "softmax", "output_layer"),
        ],
    };
}
