using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engines;

/// <summary>The up-front check every engine operation makes before it touches weights or data.</summary>
public static class EngineSupport
{
    /// <summary>
    /// Throws UnsupportedByEngine when <paramref name="engine"/> does not offer <paramref name="operation"/>
    /// or cannot run a layer of <paramref name="spec"/>; the exception names the first such layer (index,
    /// name, option) and its message lists every one.
    /// </summary>
    public static void Ensure(IModelEngine engine, ModelSpec spec, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(spec);
        if ((engine.Operations & operation) != operation)
            throw new ModelCostException(ErrorIds.UnsupportedByEngine, ModelCostErrorCategory.NotImplemented,
                $"The {engine.Name} engine cannot {Verb(operation)} models; it offers: {Describe(engine.Operations)}.", engine.Name);
        var limits = engine.Supports(spec, operation);
        if (limits.Count == 0) return;
        var first = limits[0];
        throw new ModelCostException(ErrorIds.UnsupportedByEngine, ModelCostErrorCategory.NotImplemented,
            $"The {engine.Name} engine cannot {Verb(operation)} model '{spec.Name}': {string.Join("; ", limits)}.",
            (object?)first.LayerName ?? spec.Name)
        { LayerIndex = first.LayerIndex, LayerName = first.LayerName, Option = first.Option };
    }

    /// <summary>
    /// What an engine does before every Train/Evaluate/MeasureLatency: refuses engine options it does not take
    /// (<see cref="EngineOptionValues"/>), then <see cref="Ensure"/>.
    /// </summary>
    public static void Prepare(IModelEngine engine, ModelSpec spec, EngineRunOptions options, EngineOperations operation)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        _ = new EngineOptionValues(engine.Name, options.EngineOptions);
        Ensure(engine, spec, operation);
    }

    /// <summary>The limitations <paramref name="limitation"/> finds in the layers of <paramref name="spec"/>, in layer order:
    /// the body of an engine's <see cref="IModelEngine.Supports"/> when only its layers can stop it.</summary>
    public static IReadOnlyList<EngineLimitation> LayerLimitations(ModelSpec spec, Func<ResolvedLayer, EngineLimitation?> limitation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(limitation);
        var limits = new List<EngineLimitation>();
        foreach (var layer in ShapeInference.Resolve(spec).Layers)
            if (limitation(layer) is { } limit) limits.Add(limit);
        return limits;
    }

    private static string Verb(EngineOperations operation) => operation switch
    {
        EngineOperations.Train => "train",
        EngineOperations.Evaluate => "evaluate",
        EngineOperations.MeasureLatency => "measure the latency of",
        _ => "run",
    };

    private static string Describe(EngineOperations operations)
    {
        var names = new List<string>();
        if (operations.HasFlag(EngineOperations.Train)) names.Add("training");
        if (operations.HasFlag(EngineOperations.Evaluate)) names.Add("evaluation");
        if (operations.HasFlag(EngineOperations.MeasureLatency)) names.Add("latency measurement");
        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }
}
