using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// WeightInitializer.InitialTensors (what other engines start from) is the managed engine's own initialisation for the
/// seed, tensor for tensor, so a seed means the same starting weights on every engine.
/// </summary>
public sealed class InitialTensorsTests
{
    [Theory]
    [InlineData("seed000_cnn.yaml")]
    [InlineData("seed004_deeper_classifier.yaml")]
    [InlineData("vit_fashion_mnist.yaml")]
    public void They_equal_what_a_managed_network_is_initialised_with(string file)
    {
        var model = ShapeInference.Resolve(ModelSpecYaml.Load(Path.Combine(AppContext.BaseDirectory, "specs", file)));
        using var net = new Network(model, 1, training: false, threads: 1);
        WeightInitializer.Initialize(net, seed: 7);
        var expected = net.ExportTensors();
        var actual = WeightInitializer.InitialTensors(model, seed: 7);
        Assert.Equal(expected.Select(t => t.Name), actual.Select(t => t.Name));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.Data, a.Data);
        }
        // A different seed gives different kernels (the test would pass vacuously on all-zero tensors otherwise).
        Assert.NotEqual(actual[0].Data, WeightInitializer.InitialTensors(model, seed: 8)[0].Data);
    }
}
