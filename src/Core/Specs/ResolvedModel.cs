namespace ModelCost.Core.Specs;

/// <summary>A model whose shapes and parameter counts are known: the output of <see cref="ShapeInference.Resolve"/>.</summary>
public sealed class ResolvedModel
{
    public required ModelSpec Spec { get; init; }
    public string Name => Spec.Name;
    public int[] InputShape => Spec.InputShape;
    public required IReadOnlyList<ResolvedLayer> Layers { get; init; }

    /// <summary>The last layer's output shape: the model output.</summary>
    public int[] OutputShape => Layers[^1].OutputShape;

    public long Params => Layers.Sum(l => l.Params);
    public long TrainableParams => Layers.Sum(l => l.TrainableParams);
    public long NonTrainableParams => Layers.Sum(l => l.NonTrainableParams);

    /// <summary>The layer with this name, or null.</summary>
    public ResolvedLayer? Find(string name) => Layers.FirstOrDefault(l => l.Name == name);
}
