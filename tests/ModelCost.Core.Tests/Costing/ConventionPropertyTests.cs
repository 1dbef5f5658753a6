using FsCheck;
using FsCheck.Fluent;
using ModelCost.Core.Costing;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Costing;

/// <summary>Relations between conventions that hold for any Dense stack, checked against the formulas on paper.</summary>
public class ConventionPropertyTests
{
    private static readonly string[] Acts = ["linear", "relu", "sigmoid", "tanh", "softmax"];

    private static readonly Gen<(int Input, (int Units, string Act, bool Bias)[] Layers)> Stacks =
        from input in Gen.Choose(1, 300)
        from n in Gen.Choose(1, 5)
        from layers in Gen.ArrayOf(
            from u in Gen.Choose(1, 300)
            from a in Gen.Elements(Acts)
            from b in Gen.Elements(true, false)
            select (u, a, b), n)
        select (input, layers);

    private static ModelSpec Spec((int Input, (int Units, string Act, bool Bias)[] Layers) s) => new()
    {
        Name = "stack", InputShape = [s.Input],
        Layers = s.Layers.Select(l => new LayerSpec { Type = "Dense", Units = l.Units, Activation = l.Act, UseBias = l.Bias }).ToArray(),
    };

    [Fact]
    public void DenseStacksFollowTheFormulas()
    {
        Prop.ForAll(Arb.From(Stacks), s =>
        {
            // On paper: MACs = Σ in·out; Flops = 2·MACs; FlopsWithBias adds Σ out over biased layers;
            // Exact backward (Flops) = 2·(weight grads Σ in·out + input grads Σ in·out except the first layer).
            long macs = 0, bias = 0, firstMacs = 0, softmax = 0, otherActs = 0;
            int fanIn = s.Input;
            for (int i = 0; i < s.Layers.Length; i++)
            {
                var (u, a, b) = s.Layers[i];
                long m = (long)fanIn * u;
                macs += m;
                if (i == 0) firstMacs = m;
                if (b) bias += u;
                if (a == "softmax") softmax += u; else if (a != "linear") otherActs += u;
                fanIn = u;
            }
            var spec = Spec(s);
            CostReport M(CostConvention c, TrainingFlopsMethod t = TrainingFlopsMethod.Exact) =>
                CostCalculator.Measure(spec, new CostOptions { Convention = c, TrainingFlopsMethod = t });
            var flops = M(CostConvention.Flops).Total;
            return M(CostConvention.Macs).Total.InferenceFlops == macs
                && flops.InferenceMacs == macs
                && flops.InferenceFlops == 2 * macs
                && M(CostConvention.FlopsWithBias).Total.InferenceFlops == 2 * macs + bias
                && M(CostConvention.TfProfiler).Total.InferenceFlops == 2 * macs + bias + 5 * softmax
                && M(CostConvention.Course).Total.InferenceFlops == 2 * macs + bias + 6 * softmax + otherActs
                && flops.TrainingFlops == 2 * macs + 2 * (2 * macs - firstMacs)
                && M(CostConvention.Flops, TrainingFlopsMethod.ThreeTimesForward).Total.TrainingFlops == 6 * macs;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void LayerRowsSumToTheTotals()
    {
        Prop.ForAll(Arb.From(Stacks), s =>
        {
            var r = CostCalculator.Measure(Spec(s), new CostOptions { Convention = CostConvention.Course, BatchSize = 3 });
            long inputBytes = 3L * 4 * s.Input;
            return r.Layers.Sum(l => l.Flops) == r.Total.InferenceFlops
                && r.Layers.Sum(l => l.Flops + l.BackwardFlops) == r.Total.TrainingFlops
                && r.Layers.Sum(l => l.Macs) == r.Total.InferenceMacs
                && r.Layers.Sum(l => l.Params) == r.Total.Params
                && inputBytes + r.Layers.Sum(l => l.ActivationBytes) == r.Total.ActivationBytes;
        }).QuickCheckThrowOnFailure();
    }
}
