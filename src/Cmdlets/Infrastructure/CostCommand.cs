using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What Measure-ModelCost and Test-ModelCost share: the spec input and the cost options
/// (-Convention, -BatchSize, -Precision, -Optimizer), turned into the core's CostOptions once in
/// BeginProcessing through <see cref="CostOptionsBuilder"/>. A bad -Convention concerns every
/// input, so it stops the command before any input is read.
/// </summary>
public abstract class CostCommand : ModelCostCmdlet
{
    private CostOptions? _options;

    /// <summary>The spec: a spec object, a spec file (path or FileInfo), or YAML / Keras JSON text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>Counting convention of the FLOPs figures (and of -MaxFlops): Flops (default), Macs, FlopsWithBias, TfProfiler, Course, or the path of a rules YAML file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConventionCompleter))]
    public string Convention { get; set; } = CostOptionsBuilder.DefaultConvention;

    /// <summary>Samples per training step; scales the activation memory in TrainingMemoryBytes (FLOPs stay per sample).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = 1;

    /// <summary>Numeric precision of weights, gradients, optimizer state and activations (SizeBytes, TrainingMemoryBytes). Mixed: 16-bit weights, gradients and activations with 32-bit master weights and optimizer moments (the ZeRO paper's accounting).</summary>
    [Parameter]
    [ValidateSet("Float32", "Float16", "BFloat16", "Int8", "Mixed", IgnoreCase = true)]
    public string Precision { get; set; } = "Float32";

    /// <summary>Optimizer whose state is counted in training memory (Adam/AdamW 2 slots, Momentum/RMSprop/Adagrad 1, SGD 0).</summary>
    [Parameter]
    [ValidateSet("Adam", "AdamW", "SGD", "Momentum", "RMSprop", "Adagrad", IgnoreCase = true)]
    public string Optimizer { get; set; } = "Adam";

    /// <summary>The options built in BeginProcessing.</summary>
    private protected CostOptions Options => _options ?? throw new InvalidOperationException("BeginProcessing has not run.");

    /// <summary>Device speed for the latency estimate; cmdlets without -DeviceFlops use the core's default of 1e9 FLOP/s.</summary>
    private protected virtual double DeviceFlopsValue => 1e9;

    /// <summary>How training FLOPs are counted; cmdlets without -TrainingFlopsMethod count them exactly.</summary>
    private protected virtual string TrainingFlopsMethodValue => nameof(TrainingFlopsMethod.Exact);

    /// <summary>Data-parallel devices; cmdlets without -Devices cost one device.</summary>
    private protected virtual int DevicesValue => 1;

    /// <summary>Data-parallel strategy; cmdlets without -Parallelism use DDP.</summary>
    private protected virtual string ParallelismValue => nameof(Parallelism.DDP);

    /// <summary>Link speed in bytes/s; cmdlets without -LinkBandwidth use the core's default.</summary>
    private protected virtual double LinkBandwidthValue => CostOptions.DefaultLinkBandwidth;

    protected override void BeginProcessing()
    {
        try
        {
            var convention = CostOptionsBuilder.ResolveConvention(this, Convention);
            _options = CostOptionsBuilder.Build(convention, BatchSize, Precision, Optimizer, DeviceFlopsValue, TrainingFlopsMethodValue,
                DevicesValue, ParallelismValue, LinkBandwidthValue);
            // A bad -Devices/-Parallelism/-LinkBandwidth concerns every input: stop before reading any.
            _options.Validate();
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, ex.Option is null ? Convention : ex.Target);
        }
    }

    /// <summary>Measures the current input (converted inside the caller's per-item error handling).</summary>
    private protected CostReport Measure(out ModelSpec spec)
    {
        spec = ModelSpecArgument.Get(this, InputObject);
        return CostCalculator.Measure(spec, Options);
    }
}
