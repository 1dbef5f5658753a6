namespace ModelCost.Core.Specs;

/// <summary>One row of a Keras-style model summary.</summary>
public sealed class LayerSummary
{
    public required string Model { get; init; }
    public int Index { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    /// <summary>Keras style, e.g. <c>(None, 26, 26, 16)</c>.</summary>
    public required string OutputShape { get; init; }
    public long Params { get; init; }
    public long TrainableParams { get; init; }
    public long NonTrainableParams { get; init; }
    /// <summary>The layers feeding this one, comma-separated (Keras' "Connected to").</summary>
    public string ConnectedTo { get; init; } = "";

    public override string ToString() => $"{Name} ({Type}) {OutputShape} {Params}";
}
