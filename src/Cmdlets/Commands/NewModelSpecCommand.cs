using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.Core.Specs.KerasCode;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Creates a model spec from Keras-style layer strings, hashtables or LayerSpec objects, or from Keras model code pasted as it is (-KerasCode).</para>
/// <example><code>New-ModelSpec -Name MLP -InputShape 28,28 -Layer 'Flatten()', 'Dense(256, activation="relu")', 'Dense(10, activation="softmax")'</code><para>Builds an MLP for 28x28 images from Keras layer strings: Flatten, a 256-unit ReLU layer and a 10-way softmax.</para></example>
/// <example><code>New-ModelSpec -Name TinyGpt -InputShape 128 -InputDtype int32 -Layer 'Embedding(1000, 64)', 'PositionEmbedding(128)', "Add(inputs=['embedding', 'position_embedding'])", 'TransformerDecoder(256, 4, normalize_first=True)'</code><para>Builds a small decoder-only transformer over int32 token ids from Keras-NLP style layers.</para></example>
/// <example><code>New-ModelSpec -KerasCode @'
/// model = models.Sequential()
/// model.add(layers.InputLayer(input_shape=(784,)))
/// model.add(layers.Dense(512, activation='relu'))
/// model.add(layers.Dense(10, activation='softmax', kernel_regularizer=l2(0.001)))
/// '@</code><para>Reads Keras code pasted as it is: the input layer sets the input shape, each model.add adds a layer, and the l2 regularizer is applied in training.</para></example>
/// </summary>
/// <remarks>
/// Layer strings are read as Keras means them: layers.InputLayer(input_shape=(784,)) or keras.Input(shape=(784,))
/// first gives the input shape, model.add(...) and functional calls (Conv2D(...)(x)) read as the next layer,
/// kernel_regularizer=l2(0.001) is kept and applied in training, and options at their Keras default are accepted.
/// Layers may also be piped in, one per pipeline object; the spec is built (and validated, shapes
/// inferred) once all have arrived. A bad layer stops the command: there is no spec to output.
/// </remarks>
[Cmdlet(VerbsCommon.New, "ModelSpec", DefaultParameterSetName = LayerSet)]
[OutputType(typeof(ModelSpec))]
public sealed class NewModelSpecCommand : ModelCostCmdlet
{
    private const string LayerSet = "Layer", CodeSet = "KerasCode";
    private readonly List<object> _layers = new();

    /// <summary>The model's name (used in every cost row and file). With -KerasCode it is optional (the code's name= is used, else Keras' automatic name) and names the model when the code builds one.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LayerSet)]
    [Parameter(ParameterSetName = CodeSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Input shape without the batch dimension, Keras order (e.g. 28,28,1). Optional when the first layer has input_shape.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, int.MaxValue)]
    public int[]? InputShape { get; set; }

    /// <summary>Layers: strings such as 'Conv2D(16, 3, activation=relu)', hashtables such as @{ Type = 'Dense'; Units = 10 }, or LayerSpec objects, mixed.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ParameterSetName = LayerSet)]
    [ValidateNotNull]
    [Alias("Layers")]
    [ArgumentCompleter(typeof(LayerTypeCompleter))]
    public object[] Layer { get; set; } = Array.Empty<object>();

    /// <summary>
    /// Keras model-building code pasted as it is (a here-string): keras.Sequential([...]) lists, model.add(...) lines,
    /// functional calls such as x = Conv2D(50, (3, 3))(x) with Input/Model, and the constants they use. One spec is
    /// written per model the code builds; imports, compile, summary and prints are skipped, and nothing is executed.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = CodeSet)]
    [ValidateNotNullOrEmpty]
    public string KerasCode { get; set; } = "";

    /// <summary>
    /// Element type of the input: float32 (default: images, features) or int32 for token ids, which only an
    /// Embedding layer may read (e.g. -InputShape 1024 -InputDtype int32 for 1,024 tokens).
    /// </summary>
    /// <value>float32</value>
    [Parameter]
    [ValidateNameSet(typeof(InputDtypeNames))]
    [ArgumentCompleter(typeof(NameSetCompleter<InputDtypeNames>))]
    public string? InputDtype { get; set; }

    /// <summary>Free text kept with the spec (and in its YAML metadata).</summary>
    [Parameter]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LayerSet) _layers.AddRange(Layer);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<ModelSpec> specs;
        try
        {
            specs = ParameterSetName == CodeSet
                ? KerasCodeReader.Read(KerasCode, name: Name, inputShape: InputShape)
                : [LayerSpecFactory.Create(Name!, InputShape, _layers, PSObjectUnwrapper.Unwrap, InputDtype)];
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Name);
            return;
        }
        foreach (var spec in specs)
        {
            // -InputDtype overrides what pasted code declares (keras.Input(..., dtype="int32")).
            bool codeDtype = ParameterSetName == CodeSet && InputDtype is not null;
            var s = spec;
            if (Description is not null || codeDtype)
                s = new ModelSpec
                {
                    Name = s.Name, InputShape = s.InputShape, Layers = s.Layers, Description = Description ?? s.Description,
                    InputDtype = codeDtype ? (InputDtype!.Equals(InputDtypes.Int32, StringComparison.OrdinalIgnoreCase) ? InputDtypes.Int32 : null) : s.InputDtype,
                };
            WriteObject(s);
        }
    }
}
