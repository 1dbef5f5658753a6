namespace ModelCost.Core.Specs;

/// <summary>Keras <c>model.summary()</c> as rows: one per layer, with output shape, parameters and connections.</summary>
public static class ModelSummary
{
    /// <summary>Resolves <paramref name="spec"/> and returns one row per layer.</summary>
    public static IReadOnlyList<LayerSummary> Build(ModelSpec spec) => Build(ShapeInference.Resolve(spec));

    /// <summary>Rows for an already resolved model.</summary>
    public static IReadOnlyList<LayerSummary> Build(ResolvedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rows = new LayerSummary[model.Layers.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var l = model.Layers[i];
            rows[i] = new LayerSummary
            {
                Model = model.Name, Index = l.Index, Name = l.Name, Type = l.Type,
                OutputShape = ShapeText.FormatWithBatch(l.OutputShape),
                Params = l.Params, TrainableParams = l.TrainableParams, NonTrainableParams = l.NonTrainableParams,
                ConnectedTo = string.Join(", ", l.InputNames),
            };
        }
        return rows;
    }
}
