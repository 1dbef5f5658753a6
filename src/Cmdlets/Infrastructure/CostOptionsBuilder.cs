using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.PS.Validation;

namespace ModelCost.PS.Infrastructure;

/// <summary>
/// Maps the cost parameters shared by Measure-ModelCost and Test-ModelCost onto the core's
/// <see cref="CostOptions"/>. Enum-like parameters are strings validated against the core's enums
/// (ValidateNameSet over EnumNames, keeping Core value types out of the public cmdlet classes, which
/// PowerShell loads before the module initializer runs); here they are parsed into those enums.
/// </summary>
internal static class CostOptionsBuilder
{
    public const string DefaultConvention = "Flops";

    /// <summary>A built-in convention by name, or a rules YAML file resolved against the PowerShell location.</summary>
    public static CostConvention ResolveConvention(PSCmdlet cmdlet, string nameOrPath)
    {
        if (CostConvention.TryGetBuiltIn(nameOrPath, out var builtIn)) return builtIn;
        string path;
        try
        {
            path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(nameOrPath);
        }
        catch (Exception ex) when (ex is SessionStateException or PSArgumentException or NotSupportedException)
        {
            path = nameOrPath;
        }
        // Report a name that is neither built-in nor a file as the user wrote it, not as an absolute path.
        return CostConvention.Resolve(File.Exists(path) || Directory.Exists(path) ? path : nameOrPath);
    }

    public static CostOptions Build(CostConvention convention, int batchSize, string precision, string optimizer,
        double deviceFlops, string trainingFlopsMethod, int devices, string parallelism, double linkBandwidth) => new()
    {
        Convention = convention,
        BatchSize = batchSize,
        Precision = EnumNames<Precision>.Parse(precision),
        Optimizer = EnumNames<OptimizerKind>.Parse(optimizer),
        DeviceFlops = deviceFlops,
        TrainingFlopsMethod = EnumNames<TrainingFlopsMethod>.Parse(trainingFlopsMethod),
        Devices = devices,
        Parallelism = EnumNames<Parallelism>.Parse(parallelism),
        LinkBandwidth = linkBandwidth,
    };
}
