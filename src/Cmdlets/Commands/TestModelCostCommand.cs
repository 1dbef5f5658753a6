using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.PS.Completers;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Checks a model against cost budgets: $true when every given limit holds, $false otherwise; with -Assert a failing model stops the script with an error naming every exceeded budget.</para>
/// <example><code>Import-ModelSpec ./cnn.yaml | Test-ModelCost -MaxParams 100000 -MaxFlops 5e6 -Assert</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelCost")]
[OutputType(typeof(bool))]
public sealed class TestModelCostCommand : ModelCostCmdlet
{
    private CostOptions? _options;

    /// <summary>The spec to check: a spec object, a spec file (path or FileInfo), or YAML / Keras JSON text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>Largest allowed Params.</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaxParams { get; set; }

    /// <summary>Largest allowed InferenceFlops (per sample, under -Convention).</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaxFlops { get; set; }

    /// <summary>Largest allowed TrainingMemoryBytes (weights + gradients + optimizer state + activations × batch).</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaxTrainingMemoryBytes { get; set; }

    /// <summary>Largest allowed SizeBytes (Params × bytes per parameter at -Precision).</summary>
    [Parameter]
    [ValidateRange(0L, long.MaxValue)]
    public long? MaxSizeBytes { get; set; }

    /// <summary>Counting convention for -MaxFlops (default Flops), or the path of a rules YAML file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConventionCompleter))]
    public string Convention { get; set; } = CostOptionsBuilder.DefaultConvention;

    /// <summary>Batch size assumed for -MaxTrainingMemoryBytes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; } = 1;

    /// <summary>Precision assumed for -MaxSizeBytes and -MaxTrainingMemoryBytes.</summary>
    [Parameter]
    [ValidateSet("Float32", "Float16", "BFloat16", "Int8", IgnoreCase = true)]
    public string Precision { get; set; } = "Float32";

    /// <summary>Optimizer assumed for -MaxTrainingMemoryBytes.</summary>
    [Parameter]
    [ValidateSet("Adam", "AdamW", "SGD", "Momentum", "RMSprop", "Adagrad", IgnoreCase = true)]
    public string Optimizer { get; set; } = "Adam";

    /// <summary>Throw a terminating BudgetExceeded error (for CI gates) instead of returning $false.</summary>
    [Parameter]
    public SwitchParameter Assert { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            var convention = CostOptionsBuilder.ResolveConvention(this, Convention);
            _options = CostOptionsBuilder.Build(convention, BatchSize, Precision, Optimizer, 1e9, nameof(TrainingFlopsMethod.Exact));
        }
        catch (ModelCostException ex)
        {
            ThrowCoreError(ex, Convention);
        }
        if (MaxParams is null && MaxFlops is null && MaxTrainingMemoryBytes is null && MaxSizeBytes is null)
            WriteWarning("No budget given (-MaxParams, -MaxFlops, -MaxTrainingMemoryBytes, -MaxSizeBytes): every model passes.");
    }

    protected override void ProcessRecord()
    {
        var budget = new CostBudget
        {
            MaxParams = MaxParams,
            MaxFlops = MaxFlops,
            MaxTrainingMemoryBytes = MaxTrainingMemoryBytes,
            MaxSizeBytes = MaxSizeBytes,
        };
        ModelSpec? spec = null;
        BudgetResult? result = null;
        if (!TryCore(() =>
            {
                spec = ModelSpecArgument.Get(this, InputObject);
                result = BudgetCheck.Evaluate(CostCalculator.Measure(spec, _options).Total, budget);
            }, InputObject) || spec is null || result is null)
            return;

        foreach (var violation in result.Violations)
            WriteVerbose($"{result.Model}: {violation}");
        if (!result.Passed && Assert.IsPresent)
        {
            // A CI gate: stop the script, naming every exceeded budget with both numbers.
            ThrowCoreError(result.ToException()!, spec.Name);
        }
        WriteObject(result.Passed);
    }
}
