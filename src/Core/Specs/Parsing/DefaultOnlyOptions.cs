using System.Collections;
using ModelCost.Core.Errors;

namespace ModelCost.Core.Specs.Parsing;

/// <summary>
/// Keras options the module accepts only at their Keras default value. Code pasted from Keras often
/// spells defaults out (<c>data_format='channels_last'</c>, <c>dilation_rate=(1, 1)</c>,
/// <c>return_state=False</c>); those are accepted and dropped because they change nothing. Any other
/// value would change shapes, counts or training in a way the module does not model, so it is refused
/// naming the option and the value it supports.
/// </summary>
internal static class DefaultOnlyOptions
{
    private sealed record Entry(string Key, Func<string, bool> AppliesTo, Func<object?, bool> IsDefault, string Default, string Why);

    private static bool Conv(string t) => t is LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D
        or LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D;

    private static bool Pool(string t) => t is LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
        or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D;

    private static bool GlobalPool(string t) => t is LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D or LayerTypes.GlobalMaxPooling2D;

    private static bool Rnn(string t) => t is LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU;

    private static bool Weighted(string t) => Conv(t) || Rnn(t) || t is LayerTypes.Dense or LayerTypes.BatchNormalization;

    private static bool Any(string _) => true;

    private static bool IsNone(object? v) => v is null;
    private static bool IsTrue(object? v) => v is true;
    private static bool IsFalse(object? v) => v is false;
    private static bool IsZero(object? v) => v is long l ? l == 0 : v is int i ? i == 0 : v is double d && d == 0;
    private static bool IsOne(object? v) => v is long l ? l == 1 : v is int i && i == 1;
    private static bool AllOnes(object? v) => IsOne(v) || (v is IList list && list.Count > 0 && list.Cast<object?>().All(IsOne));
    private static bool ChannelsLast(object? v) => v is null || (v is string s && s.Equals("channels_last", StringComparison.OrdinalIgnoreCase));
    private static bool AnyValue(object? _) => true;

    private static readonly Entry[] Entries =
    [
        new("data_format", t => Conv(t) || Pool(t) || GlobalPool(t) || t is LayerTypes.Flatten or LayerTypes.ZeroPadding2D,
            ChannelsLast, "'channels_last'", "channels_first layouts are not supported"),
        new("dilation_rate", Conv, AllOnes, "1", "dilated convolutions are not supported"),
        new("groups", t => t is LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D, IsOne, "1", "grouped convolutions are not supported"),
        new("center", t => t == LayerTypes.BatchNormalization, IsTrue, "True", "BatchNormalization without beta is not supported"),
        new("scale", t => t == LayerTypes.BatchNormalization, IsTrue, "True", "BatchNormalization without gamma is not supported"),
        new("synchronized", t => t == LayerTypes.BatchNormalization, IsFalse, "False", "synchronized batch statistics are not supported"),
        new("renorm", t => t == LayerTypes.BatchNormalization, IsFalse, "False", "batch renormalization is not supported"),
        new("keepdims", GlobalPool, IsFalse, "False", "keepdims=True is not supported"),
        new("noise_shape", t => t == LayerTypes.Dropout, IsNone, "None", "dropout masks broadcast over axes are not supported"),
        // The engine seeds dropout from the run's -Seed; a layer seed changes no figure.
        new("seed", t => t == LayerTypes.Dropout, AnyValue, "any", ""),
        new("return_state", Rnn, IsFalse, "False", "returning the recurrent state is not supported"),
        new("go_backwards", Rnn, IsFalse, "False", "reversed sequences are not supported"),
        new("stateful", Rnn, IsFalse, "False", "stateful recurrent layers are not supported"),
        new("unroll", Rnn, AnyValue, "any", ""),
        new("time_major", Rnn, IsFalse, "False", "time-major inputs are not supported"),
        new("implementation", Rnn, AnyValue, "any", ""),
        new("unit_forget_bias", t => t == LayerTypes.LSTM, IsTrue, "True", "LSTM without the unit forget-gate bias initialisation is not supported"),
        new("dropout", Rnn, IsZero, "0.0", "recurrent-layer input dropout is not supported; add a Dropout layer"),
        new("recurrent_dropout", Rnn, IsZero, "0.0", "recurrent dropout is not supported"),
        new("trainable", Any, IsTrue, "True", "frozen layers (trainable=False) are not supported"),
        new("activity_regularizer", Any, IsNone, "None", "activity regularization (a penalty on the layer's output) is not applied by the engine"),
        new("kernel_constraint", Weighted, IsNone, "None", "weight constraints are not applied by the engine"),
        new("bias_constraint", Weighted, IsNone, "None", "weight constraints are not applied by the engine"),
        new("recurrent_constraint", Rnn, IsNone, "None", "weight constraints are not applied by the engine"),
        new("depthwise_constraint", t => t is LayerTypes.SeparableConv2D or LayerTypes.DepthwiseConv2D, IsNone, "None", "weight constraints are not applied by the engine"),
        new("pointwise_constraint", t => t == LayerTypes.SeparableConv2D, IsNone, "None", "weight constraints are not applied by the engine"),
        new("beta_constraint", t => t == LayerTypes.BatchNormalization, IsNone, "None", "weight constraints are not applied by the engine"),
        new("gamma_constraint", t => t == LayerTypes.BatchNormalization, IsNone, "None", "weight constraints are not applied by the engine"),
    ];

    /// <summary>Every default-only key (for hashtable key folding and suggestions).</summary>
    public static IEnumerable<string> Keys => Entries.Select(e => e.Key).Distinct();

    /// <summary>
    /// True when <paramref name="key"/> is a default-only option of <paramref name="type"/> and
    /// <paramref name="value"/> is its default (the option is then dropped); throws when the value is not
    /// the default; false when the key is not a default-only option of the type.
    /// </summary>
    public static bool Accept(string type, string key, object? value, LayerOptionValues.Fail fail)
    {
        var e = Entries.FirstOrDefault(x => x.Key == key && x.AppliesTo(type));
        if (e is null) return false;
        if (!e.IsDefault(value))
            throw fail(ErrorIds.UnknownLayerOption, key,
                $"{type} option '{key}' is supported only at its Keras default {e.Default}, not {LayerOptionValues.Show(value)}: {e.Why}.");
        return true;
    }
}
