using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Costing.SeedModels;

namespace ModelCost.Core.Tests.Costing;

/// <summary>
/// Per-device memory and communication of data-parallel training, checked against Rajbhandari, Rasley,
/// Ruwase and He, "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models" (SC 2020).
/// The paper counts model states for mixed-precision Adam as 2Ψ (fp16 weights) + 2Ψ (fp16 gradients)
/// + KΨ (fp32 master weights, momentum, variance; K = 12), Section 3.1, and per-device memory per stage
/// in Section 5 / Figure 1: baseline (2 + 2 + K)Ψ, P_os 4Ψ + KΨ/N_d, P_os+g 2Ψ + (2 + K)Ψ/N_d,
/// P_os+g+p (2 + 2 + K)Ψ/N_d.
/// </summary>
public class DataParallelTests
{
    /// <summary>Ψ = 7.5e9 parameters, all trainable: 999 inputs → Dense(7,500,000) has 999·7.5e6 + 7.5e6 = 7.5e9.</summary>
    private static ModelSpec SevenPointFiveBillion() => new() { Name = "7.5B", InputShape = [999], Layers = [Dense(7_500_000)] };

    private static CostSummary Cost(ModelSpec spec, int devices, Parallelism p, Precision precision = Precision.Mixed,
        OptimizerKind optimizer = OptimizerKind.Adam, int batch = 1, double deviceFlops = 1e9, double link = CostOptions.DefaultLinkBandwidth) =>
        CostCalculator.Measure(spec, new CostOptions
        {
            Devices = devices, Parallelism = p, Precision = precision, Optimizer = optimizer, BatchSize = batch,
            DeviceFlops = deviceFlops, LinkBandwidth = link,
        }).Total;

    [Fact]
    public void ZeroPaperFigure1SevenPointFiveBillionParametersOn64Devices()
    {
        // Figure 1 (Section 1/5), Ψ = 7.5B, N_d = 64, K = 12, in GB of 1e9 bytes:
        //   baseline (2 + 2 + 12)·7.5 = 120 GB
        //   P_os     (4 + 12/64)·7.5 = 4.1875·7.5 = 31.40625 GB   (paper: 31.4GB)
        //   P_os+g   (2 + 14/64)·7.5 = 2.21875·7.5 = 16.640625 GB (paper: 16.6GB)
        //   P_os+g+p 16·7.5/64 = 1.875 GB                         (paper: 1.9GB)
        // 7.5e9 / 64 = 117,187,500 exactly, so the per-device shards need no rounding here.
        var spec = SevenPointFiveBillion();
        Assert.Equal(7_500_000_000L, Cost(spec, 1, Parallelism.DDP).Params);
        Assert.Equal(120_000_000_000L, Cost(spec, 64, Parallelism.DDP).ModelStateBytesPerDevice);
        Assert.Equal(31_406_250_000L, Cost(spec, 64, Parallelism.ZeRO1).ModelStateBytesPerDevice);
        Assert.Equal(16_640_625_000L, Cost(spec, 64, Parallelism.ZeRO2).ModelStateBytesPerDevice);
        Assert.Equal(1_875_000_000L, Cost(spec, 64, Parallelism.ZeRO3).ModelStateBytesPerDevice);
        // As the paper prints them (one decimal, GB).
        Assert.Equal(["120.0", "31.4", "16.6", "1.9"],
            new[] { Parallelism.DDP, Parallelism.ZeRO1, Parallelism.ZeRO2, Parallelism.ZeRO3 }
                .Select(p => (Cost(spec, 64, p).ModelStateBytesPerDevice / 1e9).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    // Table 1's way of reading the same formulas as a function of N_d (7.5B model), in bytes:
    //   N_d = 4:    P_os (4 + 3)·7.5e9 = 52.5e9;  P_os+g (2 + 3.5)·7.5e9 = 41.25e9;  P_os+g+p 120e9/4 = 30e9
    //   N_d = 16:   (4 + 0.75)·7.5e9 = 35.625e9;   (2 + 0.875)·7.5e9 = 21.5625e9;     120e9/16 = 7.5e9
    //   N_d = 1024: 4·7.5e9 + 12·7,324,219 = 30,087,890,628 (7.5e9/1024 = 7,324,218.75, shards round up to 7,324,219);
    //               2·7.5e9 + 14·7,324,219 = 15,102,539,066;  16·7,324,219 = 117,187,504
    [InlineData(4, 52_500_000_000L, 41_250_000_000L, 30_000_000_000L)]
    [InlineData(16, 35_625_000_000L, 21_562_500_000L, 7_500_000_000L)]
    [InlineData(1024, 30_087_890_628L, 15_102_539_066L, 117_187_504L)]
    public void ZeroStagesScaleWithTheDataParallelDegree(int devices, long os, long osG, long osGP)
    {
        var spec = SevenPointFiveBillion();
        Assert.Equal(os, Cost(spec, devices, Parallelism.ZeRO1).ModelStateBytesPerDevice);
        Assert.Equal(osG, Cost(spec, devices, Parallelism.ZeRO2).ModelStateBytesPerDevice);
        Assert.Equal(osGP, Cost(spec, devices, Parallelism.ZeRO3).ModelStateBytesPerDevice);
        // DDP replicates everything: (2 + 2 + 12)Ψ on every device, whatever N_d.
        Assert.Equal(120_000_000_000L, Cost(spec, devices, Parallelism.DDP).ModelStateBytesPerDevice);
    }

    [Fact]
    public void ZeroPaperSection7CommunicationVolumes()
    {
        // Section 7.1: DDP all-reduces gradients, 2Ψ elements moved per device (reduce-scatter Ψ + all-gather Ψ).
        // Section 7.2.1: P_os and P_os+g move the same 2Ψ (reduce-scatter of gradients, all-gather of updated weights).
        // Section 7.2.2: P_os+g+p moves 3Ψ (weight all-gathers in forward and backward, gradient reduce-scatter), 1.5× DDP.
        // The paper counts Ψ per collective; a ring sends (N − 1) chunks of Ψ/N each, (N − 1)/N · Ψ. With fp16 elements
        // (2 bytes), Ψ = 7.5e9, N = 64: DDP 2 · 63 · 117,187,500 · 2 = 29,531,250,000 B = 2Ψ·2 B · 63/64; ZeRO-3
        // 3 · 63 · 117,187,500 · 2 = 44,296,875,000 B.
        var spec = SevenPointFiveBillion();
        var ddp = Cost(spec, 64, Parallelism.DDP).CommunicationBytesPerStep;
        Assert.Equal(29_531_250_000L, ddp);
        Assert.Equal(2 * 7_500_000_000.0 * 2 * 63 / 64, ddp);
        Assert.Equal(ddp, Cost(spec, 64, Parallelism.ZeRO1).CommunicationBytesPerStep);
        Assert.Equal(ddp, Cost(spec, 64, Parallelism.ZeRO2).CommunicationBytesPerStep);
        var zero3 = Cost(spec, 64, Parallelism.ZeRO3).CommunicationBytesPerStep;
        Assert.Equal(44_296_875_000L, zero3);
        Assert.Equal(1.5, (double)zero3 / ddp);
    }

    [Fact]
    public void OneDeviceIsTheSingleDeviceTrainingMemoryWithoutCommunication()
    {
        // Seed CNN, Float32, Adam, batch 32: per-device figures on one device equal the single-device totals.
        var c = Cost(Cnn(), 1, Parallelism.DDP, Precision.Float32, batch: 32);
        Assert.Equal(1, c.Devices);
        Assert.Equal(Parallelism.DDP, c.Parallelism);
        Assert.Equal(c.WeightBytes + c.GradientBytes + c.OptimizerStateBytes, c.ModelStateBytesPerDevice);
        Assert.Equal(c.ActivationBytes, c.ActivationBytesPerDevice);
        Assert.Equal(c.TrainingMemoryBytes, c.MemoryBytesPerDevice);
        Assert.Equal(0, c.CommunicationBytesPerStep);
        // Defaults of a plain Measure: one device, DDP.
        var d = CostCalculator.Measure(Cnn()).Total;
        Assert.Equal((1, Parallelism.DDP, 0L), (d.Devices, d.Parallelism, d.CommunicationBytesPerStep));
    }

    [Fact]
    public void MixedPrecisionAdamIsSixteenBytesPerParameter()
    {
        // Seed MLP, Ψ = 235,146 (all trainable). Section 3.1: fp16 weights 2Ψ = 470,292, fp16 gradients 2Ψ = 470,292,
        // fp32 master weights + momentum + variance 12Ψ = 2,821,752; 16Ψ = 3,762,336 (the same total as Float32 Adam,
        // 4 + 4 + 8 bytes). Activations are fp16: seed MLP keeps 1,962 values per sample, batch 64: 1,962·64·2 = 251,136.
        var c = Cost(Mlp(), 1, Parallelism.DDP, Precision.Mixed, batch: 64);
        Assert.Equal(470_292, c.WeightBytes);
        Assert.Equal(470_292, c.SizeBytes);
        Assert.Equal(470_292, c.GradientBytes);
        Assert.Equal(2_821_752, c.OptimizerStateBytes);
        Assert.Equal(3_762_336, c.ModelStateBytesPerDevice);
        Assert.Equal(251_136, c.ActivationBytesPerDevice);
        Assert.Equal(Precision.Mixed, c.Precision);
        // Mixed SGD keeps only the fp32 master weights as state: K = 4, 2 + 2 + 4 = 8 bytes per parameter.
        Assert.Equal(8L * 235_146, Cost(Mlp(), 1, Parallelism.DDP, Precision.Mixed, OptimizerKind.SGD).ModelStateBytesPerDevice);
    }

    [Fact]
    public void NonTrainableWeightsStayReplicatedAndShardsRoundUp()
    {
        // Seed 004 DeeperClassifier: P = 1,940,938, P_t = 1,939,146, so 1,792 BatchNorm moving statistics (buffers, not
        // partitioned). Float32 Adam on 8 devices: shard = ceil(1,939,146 / 8) = ceil(242,393.25) = 242,394.
        //   ZeRO-3: weights (1,792 + 242,394)·4 = 976,744; gradients 242,394·4 = 969,576; Adam 242,394·8 = 1,939,152 → 3,885,472
        //   ZeRO-1: weights 1,940,938·4 = 7,763,752; gradients 1,939,146·4 = 7,756,584; Adam 1,939,152 → 17,459,488
        //   DDP/ZeRO-1/ZeRO-2 communication: 2·7·242,394·4 = 13,574,064 B; ZeRO-3: 3·7·242,394·4 = 20,361,096 B
        var z3 = Cost(Seed004Deeper(), 8, Parallelism.ZeRO3, Precision.Float32);
        Assert.Equal(3_885_472, z3.ModelStateBytesPerDevice);
        Assert.Equal(20_361_096, z3.CommunicationBytesPerStep);
        var z1 = Cost(Seed004Deeper(), 8, Parallelism.ZeRO1, Precision.Float32);
        Assert.Equal(17_459_488, z1.ModelStateBytesPerDevice);
        Assert.Equal(13_574_064, z1.CommunicationBytesPerStep);
        Assert.Equal(13_574_064, Cost(Seed004Deeper(), 8, Parallelism.DDP, Precision.Float32).CommunicationBytesPerStep);
    }

    [Fact]
    public void StepTimeIsComputePlusCommunication()
    {
        // Seed MLP, Float32, 2 devices DDP, batch 64 per device, 1e12 FLOP/s, 1e9 B/s.
        // Compute: training FLOPs 1,007,104 per sample (see TrainingAndMemoryTests) · 64 / 1e12 = 6.4454656e-5 s.
        // Communication: 2 collectives · (2 − 1) · ceil(235,146 / 2) = 117,573 elements · 4 B = 940,584 B / 1e9 = 9.40584e-4 s.
        var c = Cost(Mlp(), 2, Parallelism.DDP, Precision.Float32, batch: 64, deviceFlops: 1e12, link: 1e9);
        Assert.Equal(940_584, c.CommunicationBytesPerStep);
        Assert.Equal(1e9, c.LinkBandwidth);
        Assert.Equal(6.4454656e-5 + 9.40584e-4, c.EstimatedStepSeconds, 15);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    public void NoDevicesIsRejected(int devices)
    {
        var ex = Assert.Throws<ModelCostException>(() => Cost(Mlp(), devices, Parallelism.DDP));
        Assert.Equal(ErrorIds.InvalidDeviceCount, ex.ErrorId);
        Assert.Equal("Devices", ex.Option);
        Assert.Contains(devices.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Theory]
    [InlineData(Parallelism.ZeRO1)]
    [InlineData(Parallelism.ZeRO2)]
    [InlineData(Parallelism.ZeRO3)]
    public void ZeroOnOneDeviceIsRejected(Parallelism p)
    {
        var ex = Assert.Throws<ModelCostException>(() => Cost(Mlp(), 1, p));
        Assert.Equal(ErrorIds.ParallelismNeedsDevices, ex.ErrorId);
        Assert.Equal("Parallelism", ex.Option);
        Assert.Contains(p.ToString(), ex.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e9)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ZeroOrNonFiniteBandwidthIsRejected(double link)
    {
        var ex = Assert.Throws<ModelCostException>(() => Cost(Mlp(), 2, Parallelism.DDP, link: link));
        Assert.Equal(ErrorIds.InvalidLinkBandwidth, ex.ErrorId);
        Assert.Equal("LinkBandwidth", ex.Option);
    }

    [Fact]
    public void CommunicationBeyondLongIsCostOverflow()
    {
        // 800,000,000 inputs → Dense(1,073,741,824): P ≈ 8.59e17. Float32 SGD memory 2·P·4 ≈ 6.9e18 still fits a long
        // (max ≈ 9.22e18), but ZeRO-3 on 1024 devices sends 3·1023·ceil(P/1024)·4 ≈ 1.03e19 bytes per step: too many.
        var spec = new ModelSpec { Name = "huge", InputShape = [800_000_000], Layers = [Dense(1_073_741_824)] };
        Assert.True(Cost(spec, 1, Parallelism.DDP, Precision.Float32, OptimizerKind.SGD).TrainingMemoryBytes > 0);
        var ex = Assert.Throws<ModelCostException>(() => Cost(spec, 1024, Parallelism.ZeRO3, Precision.Float32, OptimizerKind.SGD));
        Assert.Equal(ErrorIds.CostOverflow, ex.ErrorId);
        Assert.Contains("communication bytes", ex.Message);
    }

    [Fact]
    public void ADeviceSweepComparesAndChartsAsOneRowPerConfiguration()
    {
        // The same model on 1 device (DDP) and on 8 devices under DDP and ZeRO-3 are three rows, named by strategy and
        // device count; the single-device row keeps the model's name (so it still merges with a training run).
        // Seed MLP, Float32 Adam: ZeRO-3 on 8 devices keeps 16 bytes · ceil(235,146 / 8) = 16 · 29,394 = 470,304 bytes of
        // model state against DDP's 16 · 235,146 = 3,762,336: ratio 0.125003 (the shard rounds up).
        var rows = new[] { Cost(Mlp(), 1, Parallelism.DDP, Precision.Float32), Cost(Mlp(), 8, Parallelism.DDP, Precision.Float32),
            Cost(Mlp(), 8, Parallelism.ZeRO3, Precision.Float32) };
        var r = ModelCost.Core.Reporting.ModelComparison.Compare(rows, properties: ["ModelStateBytesPerDevice", "CommunicationBytesPerStep"]);
        Assert.Equal(["MLP", "MLP DDP ×8", "MLP ZeRO3 ×8"], r.Rows.Select(x => x.Model));
        Assert.Equal([3_762_336L, 3_762_336L, 470_304L], r.Rows.Select(x => x.ModelStateBytesPerDevice!.Value));
        Assert.Equal(470_304 / 3_762_336.0, r.Rows[2].ModelStateBytesPerDeviceRatio!.Value, 12);
        Assert.Equal(0L, r.Rows[0].CommunicationBytesPerStep);
        var chart = ModelCost.Core.Reporting.ChartData.FromItems(rows, ["MemoryBytesPerDevice"]);
        Assert.Equal(["MLP", "MLP DDP ×8", "MLP ZeRO3 ×8"], chart.Categories);
    }
}
