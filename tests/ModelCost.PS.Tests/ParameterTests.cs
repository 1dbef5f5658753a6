using System.Management.Automation;
using System.Reflection;
using ModelCost.PS.Commands;
using ModelCost.PS.Validation;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>Validation every cmdlet parameter must carry (issue 18): ranges on numbers, value sets generated from enums.</summary>
public sealed class ParameterTests
{
    /// <summary>Numeric parameters without a range, each with the reason.</summary>
    private static readonly Dictionary<string, string> Unbounded = new()
    {
        ["InvokeModelTrainingCommand.Seed"] = "every integer is a valid seed",
        // The data-parallel contract (docs/parallelism.md) gives these their own error ids, which the core raises
        // before any input is read: -Devices 0 is InvalidDeviceCount, -LinkBandwidth 0 InvalidLinkBandwidth.
        ["MeasureModelCostCommand.Devices"] = "checked by the core as InvalidDeviceCount",
        ["MeasureModelCostCommand.LinkBandwidth"] = "checked by the core as InvalidLinkBandwidth",
    };

    private static IEnumerable<(Type Cmdlet, PropertyInfo Parameter)> Parameters() =>
        typeof(MeasureModelCostCommand).Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null)
            .SelectMany(t => t.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).Select(p => (t, p)));

    private static bool IsNumeric(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsArray) t = t.GetElementType()!;
        return t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float);
    }

    [Fact]
    public void Every_numeric_parameter_has_a_range()
    {
        var numeric = Parameters().Where(x => IsNumeric(x.Parameter.PropertyType)).ToList();
        Assert.Contains(numeric, x => x.Parameter.Name == "Epochs");
        var missing = numeric
            .Where(x => x.Parameter.GetCustomAttribute<ValidateRangeAttribute>() is null && !Unbounded.ContainsKey($"{x.Cmdlet.Name}.{x.Parameter.Name}"))
            .Select(x => $"{x.Cmdlet.Name}.{x.Parameter.Name}").ToList();
        Assert.True(missing.Count == 0, "No ValidateRange: " + string.Join(", ", missing));
    }

    [Fact]
    public void No_value_set_is_written_by_hand_and_each_generated_set_completes_on_Tab()
    {
        foreach (var (cmdlet, parameter) in Parameters())
        {
            Assert.True(parameter.GetCustomAttribute<ValidateSetAttribute>() is null, $"{cmdlet.Name}.{parameter.Name} repeats a value list by hand");
            if (parameter.GetCustomAttribute<ValidateNameSetAttribute>() is not { } set) continue;
            var completer = parameter.GetCustomAttribute<ArgumentCompleterAttribute>();
            Assert.NotNull(completer);
            Assert.Equal(typeof(NameSetCompleter<>).MakeGenericType(set.NameSetType), completer.Type);
        }
    }

    [Fact]
    public void Enum_backed_values_are_accepted_in_any_case_and_others_are_refused_at_binding()
    {
        // Keras' names as users type them today, any case; Adamax is not one of TrainingOptimizer's names.
        var (output, ps) = PowerShellHost.Run("(New-ModelSpec -Name P -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost -Precision float16 -Optimizer rmsprop -TrainingFlopsMethod threetimesforward).Precision");
        using (ps) Assert.Equal("Float16", Assert.Single(output).ToString());
        var error = PowerShellHost.SingleError("New-ModelSpec -Name P -InputShape 4 -Layer 'Dense(2)' | Invoke-ModelTraining -Dataset MNIST -Optimizer Adamax");
        Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId);
        Assert.Contains("Adam,AdamW,SGD,Momentum,RMSprop,Adagrad", error.Exception.Message);
    }

    [Fact]
    public void Engine_names_come_from_the_catalogue()
    {
        Assert.Equal(["Managed", "Torch", "PyTorch", "OnnxRuntime"], new EngineNames().Names);
        var completions = new NameSetCompleter<EngineNames>().CompleteArgument("Measure-ModelLatency", "Engine", "'py", null!, null!);
        Assert.Equal(["PyTorch"], completions.Select(c => c.CompletionText));
    }
}
