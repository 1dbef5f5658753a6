namespace ModelCost.Core.Specs;

/// <summary>The element types a model input can declare: <c>float32</c> (the default) or <c>int32</c> token ids.</summary>
public static class InputDtypes
{
    public const string Float32 = "float32";
    public const string Int32 = "int32";

    public static IReadOnlyList<string> All { get; } = [Float32, Int32];

    /// <summary>Lower-cases a dtype name (Keras spellings; <c>int64</c>/<c>int</c> mean token ids too); null stays null.</summary>
    public static bool TryNormalize(string? name, out string? normalized)
    {
        normalized = null;
        if (name is null) return true;
        var n = name.Trim().ToLowerInvariant();
        normalized = n switch
        {
            "float32" or "float" => Float32,
            "int32" or "int64" or "int" => Int32,
            _ => null,
        };
        return normalized is not null;
    }

    /// <summary>True when the spec's input holds integer token ids.</summary>
    public static bool IsInteger(ModelSpec spec) => spec.InputDtype == Int32;
}
