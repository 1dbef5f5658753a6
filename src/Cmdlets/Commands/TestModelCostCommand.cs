using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Checks a model against cost budgets: $true when every given limit holds, $false otherwise; with -Assert a failing model stops the script with an error naming every exceeded budget.</para>
/// <example><code>Import-ModelSpec ./cnn.yaml | Test-ModelCost -MaxParams 100000 -MaxFlops 5e6 -Assert</code></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelCost", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(bool))]
public sealed class TestModelCostCommand : CostCommand
{
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

    /// <summary>Throw a terminating BudgetExceeded error (for CI gates) instead of returning $false.</summary>
    [Parameter]
    public SwitchParameter Assert { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (MaxParams is null && MaxFlops is null && MaxTrainingMemoryBytes is null && MaxSizeBytes is null)
            WriteWarning("No budget given (-MaxParams, -MaxFlops, -MaxTrainingMemoryBytes, -MaxSizeBytes): every model passes.");
    }

    private protected override void ProcessModel(IModelSource model, object target)
    {
        var budget = new CostBudget
        {
            MaxParams = MaxParams,
            MaxFlops = MaxFlops,
            MaxTrainingMemoryBytes = MaxTrainingMemoryBytes,
            MaxSizeBytes = MaxSizeBytes,
        };
        var spec = model.GetSpec();
        var result = BudgetCheck.Evaluate(Measure(model).Total, budget);

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
