using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using Xunit;
using static ModelCost.Core.Tests.Costing.SeedModels;

namespace ModelCost.Core.Tests.Costing;

public class BudgetTests
{
    // Seed MLP under Flops, batch 1: Params 235,146; InferenceFlops 469,504; SizeBytes 940,584;
    // TrainingMemoryBytes 3,762,336 + 1,962·4 (activations) = 3,770,184.
    private static readonly ModelCost.Core.Costing.CostSummary MlpCost = CostCalculator.Measure(Mlp()).Total;

    [Fact]
    public void WithinEveryBudgetPasses()
    {
        var r = BudgetCheck.Evaluate(MlpCost, new CostBudget { MaxParams = 235_146, MaxFlops = 469_504, MaxSizeBytes = 940_584, MaxTrainingMemoryBytes = 3_770_184 });
        Assert.True(r.Passed);
        Assert.Empty(r.Violations);
        Assert.Null(r.ToException());
        Assert.True(BudgetCheck.Evaluate(MlpCost, new CostBudget()).Passed);
    }

    [Fact]
    public void EveryExceededBudgetIsNamedWithBothNumbers()
    {
        var r = BudgetCheck.Evaluate(MlpCost, new CostBudget { MaxParams = 200_000, MaxFlops = 1_000_000, MaxSizeBytes = 900_000, MaxTrainingMemoryBytes = 3_770_183 });
        Assert.False(r.Passed);
        Assert.Equal(["MaxParams", "MaxTrainingMemoryBytes", "MaxSizeBytes"], r.Violations.Select(v => v.Budget));
        Assert.Equal((200_000L, 235_146L), (r.Violations[0].Limit, r.Violations[0].Actual));
        Assert.Equal("Params", r.Violations[0].Property);
        var ex = r.ToException()!;
        Assert.Equal(ErrorIds.BudgetExceeded, ex.ErrorId);
        Assert.Equal(ModelCostErrorCategory.LimitsExceeded, ex.Category);
        foreach (var s in new[] { "MaxParams", "200,000", "235,146", "MaxSizeBytes", "900,000", "940,584", "MaxTrainingMemoryBytes", "3,770,183", "3,770,184", "'MLP'" })
            Assert.Contains(s, ex.Message);
        Assert.DoesNotContain("MaxFlops", ex.Message);
    }

    [Fact]
    public void FlopsBudgetUsesTheCostsConvention()
    {
        // TfProfiler counts 469,948 for the MLP, Flops 469,504: a 469,600 budget passes one and fails the other.
        var tf = CostCalculator.Measure(Mlp(), new CostOptions { Convention = CostConvention.TfProfiler }).Total;
        Assert.True(BudgetCheck.Evaluate(MlpCost, new CostBudget { MaxFlops = 469_600 }).Passed);
        var r = BudgetCheck.Evaluate(tf, new CostBudget { MaxFlops = 469_600 });
        Assert.Equal(469_948, Assert.Single(r.Violations).Actual);
    }

    [Fact]
    public void NegativeLimitIsRejected()
    {
        var ex = Assert.Throws<ModelCostException>(() => BudgetCheck.Evaluate(MlpCost, new CostBudget { MaxFlops = -1 }));
        Assert.Equal(ErrorIds.InvalidCostOption, ex.ErrorId);
        Assert.Equal("MaxFlops", ex.Option);
    }
}
