using System.Management.Automation;
using ModelCost.Core.Costing;
using ModelCost.Core.Engine;
using ModelCost.PS.Infrastructure;

namespace ModelCost.PS.Commands;

/// <summary>
/// <para type="synopsis">Checks models against cost budgets: one result per model (Model, Passed, each exceeded budget with its limit and the actual figure); -Quiet returns $true/$false instead; with -Assert every model is checked, then one error names every model that failed.</para>
/// <example><code>Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Test-ModelCost -MaxParams 100000 -MaxFlops 5e6 -Assert</code><para>Checks the seed 000 CNN against a parameter and a FLOPs budget and, with -Assert, throws naming every budget it exceeds (a CI gate).</para></example>
/// <example><code>Get-ChildItem ./examples/specs/seed00*.yaml | Import-ModelSpec | Test-ModelCost -MaxParams 1e6</code><para>Checks every seed spec against a one-million-parameter budget: one result per model with Passed and the budgets exceeded.</para></example>
/// <example><code>if (Import-ModelSpec ./examples/specs/seed000_cnn.yaml | Test-ModelCost -MaxParams 100000 -Quiet) { 'fits' }</code><para>With -Quiet, returns only True or False, for use in an if statement.</para></example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelCost", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(BudgetResult), typeof(bool))]
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

    /// <summary>After checking every model, throw one terminating BudgetExceeded error naming every model that failed (for CI gates).</summary>
    [Parameter]
    public SwitchParameter Assert { get; set; }

    /// <summary>Return $true or $false per model instead of the result object (for if statements).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    private readonly List<BudgetResult> _results = new();

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
        var result = BudgetCheck.Evaluate(Measure(model).Total, budget);

        foreach (var violation in result.Violations)
            WriteVerbose($"{result.Model}: {violation}");
        _results.Add(result);
        WriteObject(Quiet.IsPresent ? result.Passed : result);
    }

    protected override void EndProcessing()
    {
        // A CI gate: every model has been checked; stop once, naming every model and exceeded budget with both numbers.
        if (Assert.IsPresent && BudgetResult.ToException(_results) is { } error)
            ThrowCoreError(error, error.Target);
    }
}
