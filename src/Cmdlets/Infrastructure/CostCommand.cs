using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Inputs;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// What Measure-ModelCost and Test-ModelCost share: the spec input (a spec, or -Path/-LiteralPath) and the cost options
/// (-Convention, -BatchSize, -Precision, -Optimizer), turned into the core's CostOptions once in
/// BeginProcessing through <see cref="CostOptionsBuilder"/>. A bad -Convention concerns every
/// input, so it stops the command before any input is read.
/// </summary>
public abstract class CostCommand : ModelInputCommand
{
    private CostOptions? _options;

    /// <summary>The spec, from New-ModelSpec or Import-ModelSpec.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [ModelInputTransformation(ModelInputKind.Spec)]
    [ValidateNotNull]
    public ModelSpec InputObject { get; set; } = null!;

    /// <summary>Spec files (YAML or Keras JSON) or trained models (.safetensors), wildcards allowed; piped strings bind here, and so does spec text (several lines, a JSON object, or YAML starting with apiVersion:).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files taken exactly as written (no wildcards); binds the PSPath of a FileInfo piped from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    private protected override IModelSource? InputModel => ParameterSetName == InputObjectSet ? InputObject : null;

    private protected override string[] InputPaths => Path;

    private protected override string[] InputLiteralPaths => LiteralPath;

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
    [ValidateNameSet(typeof(EnumNames<Precision>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<Precision>>))]
    public string Precision { get; set; } = "Float32";

    /// <summary>Optimizer whose state is counted in training memory (Adam/AdamW 2 slots, Momentum/RMSprop/Adagrad 1, SGD 0).</summary>
    [Parameter]
    [ValidateNameSet(typeof(EnumNames<OptimizerKind>))]
    [ArgumentCompleter(typeof(NameSetCompleter<EnumNames<OptimizerKind>>))]
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

    /// <summary>Measures one model's spec with the command's options.</summary>
    private protected CostReport Measure(IModelSource model) => CostCalculator.Measure(model.GetSpec(), Options);
}
