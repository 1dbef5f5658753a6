using ModelCost.Core.Engine;

namespace ModelCost.Core.Specs;

/// <summary>
/// A model as written: a name, the input shape without the batch dimension (Keras order,
/// channels last) and its layers. Sequential unless a layer names its <c>Inputs</c>.
/// </summary>
public sealed class ModelSpec : IEquatable<ModelSpec>, IModelSource
{
    /// <summary>Longest model name accepted (characters): it becomes a file name, a chart label and part of messages.</summary>
    public const int MaxNameLength = 200;

    private readonly string _name = "";

    /// <summary>At most <see cref="MaxNameLength"/> characters (InvalidModelName otherwise).</summary>
    public required string Name { get => _name; init => _name = ModelName.Check(value); }

    /// <summary>Input shape without batch, e.g. (28, 28, 1).</summary>
    public required int[] InputShape { get; init; }

    public required IReadOnlyList<LayerSpec> Layers { get; init; }

    /// <summary>
    /// The input's element type: null or <c>float32</c> (images, features), or <c>int32</c> for token ids
    /// (then only an Embedding may read the input). See <see cref="InputDtypes"/>.
    /// </summary>
    public string? InputDtype { get; init; }

    /// <summary>Free-form description carried through YAML metadata.</summary>
    public string? Description { get; init; }

    public bool Equals(ModelSpec? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        return Name == other.Name && Description == other.Description && InputDtype == other.InputDtype
            && InputShape.AsSpan().SequenceEqual(other.InputShape)
            && Layers.Count == other.Layers.Count && Layers.SequenceEqual(other.Layers);
    }

    public override bool Equals(object? obj) => obj is ModelSpec other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Name, Layers.Count);

    ModelSpec IModelSource.GetSpec() => this;

    TrainedModel? IModelSource.GetTrainedModel() => null;

    public override string ToString() => $"{Name} ({Layers.Count} layers, input {ShapeText.Format(InputShape)})";
}
