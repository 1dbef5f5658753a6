using ModelCost.Core.Costing;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Costing;

/// <summary>
/// MACs of conv + dense layers of ResNet-18, ResNet-50 and VGG-16 at 224×224×3 against forward hooks on torchvision.
/// Measured with:
///   OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/torchvision_macs.py
///   torch 1.13.0a0
///   resnet18: conv MACs 1813561344  linear MACs 512000  total MACs 1814073344  params 11689512
///   resnet50: conv MACs 4087136256  linear MACs 2048000  total MACs 4089184256  params 25557032
///   vgg16: conv MACs 15346630656  linear MACs 123633664  total MACs 15470264320  params 138357544
/// Hook rule: Conv2d output.numel()·(Cin/groups)·kh·kw; Linear output.numel()·in_features.
/// torch's params count BN weight and bias only (running statistics are buffers), i.e. our TrainableParams.
/// </summary>
public class TorchvisionMacsTests
{
    public static TheoryData<string, long, long, long> Models => new()
    {
        { "resnet18", 1_813_561_344, 512_000, 11_689_512 },
        { "resnet50", 4_087_136_256, 2_048_000, 25_557_032 },
        { "vgg16", 15_346_630_656, 123_633_664, 138_357_544 },
    };

    private static ModelSpec Build(string name) => name switch
    {
        "resnet18" => TorchvisionModels.ResNet(18),
        "resnet50" => TorchvisionModels.ResNet(50),
        _ => TorchvisionModels.Vgg16(),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ConvAndDenseMacsEqualTorchvisionHooks(string model, long convMacs, long linearMacs, long torchParams)
    {
        var r = CostCalculator.Measure(Build(model), new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(convMacs, r.Layers.Where(l => l.Type == "Conv2D").Sum(l => l.Macs));
        Assert.Equal(linearMacs, r.Layers.Where(l => l.Type == "Dense").Sum(l => l.Macs));
        Assert.Equal(convMacs + linearMacs, r.Total.InferenceMacs);
        Assert.Equal(convMacs + linearMacs, r.Total.InferenceFlops); // Macs convention: nothing else counts
        Assert.Equal(torchParams, r.Total.TrainableParams);
    }
}
