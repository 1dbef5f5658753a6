using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Creates a model spec from Keras-style layer strings, hashtables or LayerSpec objects.</para>
/// <example><code>New-ModelSpec -Name MLP -InputShape 28,28 -Layer 'Flatten()', 'Dense(256, activation="relu")', 'Dense(10, activation="softmax")'</code></example>
/// <example><code>New-ModelSpec -Name TinyGpt -InputShape 128 -InputDtype int32 -Layer 'Embedding(1000, 64)', 'PositionEmbedding(128)', "Add(inputs=['embedding', 'position_embedding'])", 'TransformerDecoder(256, 4, normalize_first=True)'</code></example>
/// </summary>
/// <remarks>
/// Layers may also be piped in, one per pipeline object; the spec is built (and validated, shapes
/// inferred) once all have arrived. A bad layer stops the command: there is no spec to output.
/// </remarks>
[Cmdlet(VerbsCommon.New, "ModelSpec")]
[OutputType(typeof(ModelSpec))]
public sealed class NewModelSpecCommand : ModelCostCmdlet
{
    private readonly List<object> _layers = new();

    /// <summary>The model's name (used in every cost row and file).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Input shape without the batch dimension, Keras order (e.g. 28,28,1). Optional when the first layer has input_shape.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, int.MaxValue)]
    public int[]? InputShape { get; set; }

    /// <summary>Layers: strings such as 'Conv2D(16, 3, activation=relu)', hashtables such as @{ Type = 'Dense'; Units = 10 }, or LayerSpec objects, mixed.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("Layers")]
    public object[] Layer { get; set; } = Array.Empty<object>();

    /// <summary>
    /// Element type of the input: float32 (default: images, features) or int32 for token ids, which only an
    /// Embedding layer may read (e.g. -InputShape 1024 -InputDtype int32 for 1,024 tokens).
    /// </summary>
    [Parameter]
    [ValidateNameSet(typeof(InputDtypeNames))]
    [ArgumentCompleter(typeof(NameSetCompleter<InputDtypeNames>))]
    public string? InputDtype { get; set; }

    /// <summary>Free text kept with the spec (and in its YAML metadata).</summary>
    [Parameter]
    public string? Description { get; set; }

    protected override void ProcessRecord() => _layers.AddRange(Layer);

    protected override void EndProcessing()
    {
        ModelSpec spec;
        try
        {
            spec = LayerSpecFactory.Create(Name, InputShape, _layers, PSObjectUnwrapper.Unwrap, InputDtype);
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Name);
            return;
        }
        if (Description is not null)
            spec = new ModelSpec { Name = spec.Name, InputShape = spec.InputShape, Layers = spec.Layers, InputDtype = spec.InputDtype, Description = Description };
        WriteObject(spec);
    }
}
