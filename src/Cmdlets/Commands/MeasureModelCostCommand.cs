using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Measures what a model costs under a named counting convention: parameters, size, MACs, inference and training FLOPs, training memory, estimated latency.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Measure-ModelCost -Convention TfProfiler</code><para>Counts the seed 000 CNN's FLOPs the way TensorFlow's profiler does, with parameters, bytes and training memory.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Measure-ModelCost -PerLayer | Format-Table</code><para>Writes one LayerCost row per layer instead of the model total; -PerLayer is optional in every parameter set.</para></example>
/// <example><code>Import-ModelSpec ./examples/specs/resnet50.yaml | Measure-ModelCost -Devices 64 -Parallelism ZeRO3 -Precision Mixed -LinkBandwidth 12.5e9 | Format-Table -View Parallel</code><para>Costs ResNet-50 trained on 64 devices with ZeRO stage 3 in mixed precision over 12.5 GB/s links: memory per device, bytes sent per step and step time.</para></example>
/// </summary>
/// <remarks>Counts are per sample; -BatchSize scales only the activation memory. With -PerLayer the
/// command writes one LayerCost row per layer instead of the model total. -Devices and -Parallelism cost
/// data-parallel training per device (DDP, ZeRO stages 1-3, see docs/parallelism.md).</remarks>
[Cmdlet(VerbsDiagnostic.Measure, "ModelCost", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(CostSummary), typeof(LayerCost))]
public sealed class MeasureModelCostCommand : CostCommand
{
    /// <summary>Device speed in FLOP/s for EstimatedLatencySeconds (= InferenceFlops / DeviceFlops).</summary>
    [Parameter]
    [ValidateRange(1e-300, double.MaxValue)]
    public double DeviceFlops { get; set; } = 1e9;

    /// <summary>Exact (forward + each layer's backward) or ThreeTimesForward (seed 000's rule).</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<TrainingFlopsMethod>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<TrainingFlopsMethod>>))]
    public string TrainingFlopsMethod { get; set; } = "Exact";

    /// <summary>Data-parallel devices for the per-device figures (ModelStateBytesPerDevice, MemoryBytesPerDevice, CommunicationBytesPerStep, EstimatedStepSeconds); 1 by default. -BatchSize is the batch of each device.</summary>
    [Parameter]
    public int Devices { get; set; } = 1;

    /// <summary>How model state is spread over the devices: DDP (default; everything replicated, gradients all-reduced), ZeRO1 (optimizer state partitioned), ZeRO2 (+ gradients), ZeRO3 (+ weights). ZeRO needs -Devices 2 or more.</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<Parallelism>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<Parallelism>>))]
    public string Parallelism { get; set; } = "DDP";

    /// <summary>Bytes per second each device sends over its link, for the communication part of EstimatedStepSeconds (default 1.25e9, 10 Gbit/s Ethernet).</summary>
    [Parameter]
    public double LinkBandwidth { get; set; } = CostOptions.DefaultLinkBandwidth;

    /// <summary>Write one LayerCost row per layer (the per-layer FLOPs report) instead of the total.</summary>
    [Parameter]
    public SwitchParameter PerLayer { get; set; }

    private protected override double DeviceFlopsValue => DeviceFlops;

    private protected override string TrainingFlopsMethodValue => TrainingFlopsMethod;

    private protected override int DevicesValue => Devices;

    private protected override string ParallelismValue => Parallelism;

    private protected override double LinkBandwidthValue => LinkBandwidth;

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var report = Measure(model);
        if (PerLayer.IsPresent) WriteObject(report.Layers, enumerateCollection: true);
        else WriteObject(report.Total);
    }
}
