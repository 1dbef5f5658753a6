using ModelCost.Core.Costing;
using Xunit;
using static ModelCost.Core.Tests.Costing.SeedModels;

namespace ModelCost.Core.Tests.Costing;

/// <summary>The Flops convention against PyTorch's own count of the same models.</summary>
public class PeerFlopsTests
{
    // Measured with torch 1.13's profiler (torch.utils.flop_counter does not exist before 2.1):
    //   OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/flops_pytorch.py
    //   torch 1.13.0a0
    //   seed MLP: total FLOPs 469504  per op {'aten::addmm': 469504}
    //   seed CNN: total FLOPs 1413504  per op {'aten::conv2d': 1309824, 'aten::addmm': 103680}
    // (OPENBLAS_CORETYPE=SkylakeX dies with "Illegal instruction" on this AVX2-only CPU, hence Haswell.)
    // By hand: MLP 2·(784·256 + 256·128 + 128·10) = 469,504; CNN conv 2·(97,344 + 557,568) = 1,309,824,
    // dense 2·(800·64 + 64·10) = 103,680 → 1,413,504. PyTorch counts neither bias, activations nor pooling.

    [Fact]
    public void SeedMlpFlopsEqualPyTorchProfiler()
    {
        var r = CostCalculator.Measure(Mlp());
        Assert.Equal(469_504, r.Total.InferenceFlops);
    }

    [Fact]
    public void SeedCnnFlopsEqualPyTorchProfiler()
    {
        var r = CostCalculator.Measure(Cnn());
        Assert.Equal(1_413_504, r.Total.InferenceFlops);
        Assert.Equal(1_309_824, r.Layers.Where(l => l.Type == "Conv2D").Sum(l => l.Flops)); // aten::conv2d
        Assert.Equal(103_680, r.Layers.Where(l => l.Type == "Dense").Sum(l => l.Flops));    // aten::addmm
    }
}
