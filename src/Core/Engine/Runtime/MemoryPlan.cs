using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Which shared buffer holds each layer's output, pre-activation and output gradient, and each fan-out gradient
/// part, decided from when they are live in one training step (or one inference pass), so buffers whose lives do
/// not overlap share memory. The step's timeline: forward of layer i at time i, the loss at L, backward of layer i
/// at 2L − i (the highest index first).
/// <list type="bullet">
/// <item>An output lives from its forward to its last forward consumer, and on to the backward of every layer that
/// reads it there (its own backward if it reads its output, a consumer's if that reads its inputs: <see cref="BackwardReads"/>).
/// An output nobody's backward reads is transient; in inference every output is.</item>
/// <item>dL/d(output) lives from the backward of its first (highest-index) consumer to its own backward. With several
/// consumers each writes its own part, live from that consumer's backward to the producer's, and the parts are summed
/// into the gradient just before the producer's backward.</item>
/// <item>The last layer's output, pre-activation and gradient are read by the loss, evaluation and callers after the
/// step: they are live throughout (so never shared, and exactly their size).</item>
/// <item>A view (<see cref="IsView"/>, not last) has no buffer of its own: its output is its input's (the network input,
/// or the producer's output kept as long as either is live), and when it is its producer's only consumer and both run
/// backward, its gradient is the producer's gradient too. Its forward and backward then copy nothing.</item>
/// </list>
/// Only layers whose backward runs (<c>Contributes</c> and <c>NeedsGrad</c>, see <see cref="Network"/>) get gradients.
/// </summary>
internal sealed class MemoryPlan
{
    /// <summary>What the plan needs to know about one layer.</summary>
    public readonly record struct LayerNeeds(int OutSize, int[] Inputs, bool ReadsInputs, bool ReadsOutput, bool HasPre, bool NeedsGrad, bool Contributes, bool IsView = false);

    public const int None = -1;

    /// <summary>Output "slot" of a view of the network input: the layer's output is <see cref="Network.Input"/> itself.</summary>
    public const int NetworkInput = -2;

    /// <summary>
    /// Flatten and Reshape: the output is the input's floats in the same order (NHWC), so it can be the input's buffer.
    /// No layer writes into its inputs (the network input and fan-out outputs are read by several layers already).
    /// </summary>
    public static bool IsView(ResolvedLayer l) => l.Type is LayerTypes.Flatten or LayerTypes.Reshape;

    private MemoryPlan(int layers)
    {
        OutputSlot = new int[layers]; PreSlot = new int[layers]; GradSlot = new int[layers];
        InputGradSlot = new int[layers][];
    }

    /// <summary>Slot of each layer's output.</summary>
    public int[] OutputSlot { get; }

    /// <summary>Slot of each layer's pre-activation copy, or <see cref="None"/>.</summary>
    public int[] PreSlot { get; }

    /// <summary>Slot of each layer's dL/d(output), or <see cref="None"/> when its backward does not run.</summary>
    public int[] GradSlot { get; }

    /// <summary>Per layer and input, the slot its backward writes dL/d(input) into, or <see cref="None"/> (not needed, or the network input).</summary>
    public int[][] InputGradSlot { get; }

    /// <summary>Producers with several gradient parts (slots, in consumer order) summed before their backward.</summary>
    public List<(int Layer, int[] PartSlots)> FanOut { get; } = [];

    /// <summary>Length of each slot in floats per sample of batch capacity.</summary>
    public long[] SlotFloats { get; private set; } = [];

    /// <summary>Floats per sample of capacity over all slots: what the plan allocates.</summary>
    public long TotalFloats => SlotFloats.Sum();

    /// <summary>The most floats per sample live at one time: what a perfect packing would allocate (TotalFloats ≥ this).</summary>
    public long PeakLiveFloats { get; private set; }

    /// <summary>Whether each layer's output reaches the last layer (a layer that does not has no backward).</summary>
    public static bool[] Contributing(ResolvedModel model)
    {
        int n = model.Layers.Count;
        var contributes = new bool[n];
        contributes[^1] = true;
        for (int i = n - 1; i >= 0; i--)
            if (contributes[i])
                foreach (var p in model.Layers[i].InputIndices) if (p >= 0) contributes[p] = true;
        return contributes;
    }

    /// <summary>
    /// Whether each layer needs dL/d(output): it has trainable weights or passes the gradient on to one that does. A
    /// leading Flatten or pooling layer would otherwise make the first Dense/Conv compute an input gradient nobody
    /// reads (a whole GEMM per step).
    /// </summary>
    public static bool[] GradientNeeded(ResolvedModel model)
    {
        var needs = new bool[model.Layers.Count];
        for (int i = 0; i < needs.Length; i++)
        {
            needs[i] = WeightLayout.For(model.Layers[i]).Any(s => s.Trainable);
            foreach (var p in model.Layers[i].InputIndices) if (p >= 0 && needs[p]) needs[i] = true;
        }
        return needs;
    }

    /// <summary>The plan a network for <paramref name="model"/> makes (the last layer's logits kept), without building one: for estimates.</summary>
    public static MemoryPlan For(ResolvedModel model, bool training)
    {
        int last = model.Layers.Count - 1;
        var needs = Needs(model, GradientNeeded(model), Contributing(model),
            i => i == last || ActivationMath.NeedsPreActivation(BackwardReads.Activation(model.Layers[i])));
        return Build(needs, training);
    }

    /// <summary>What each layer needs, from the resolved model and the activations the layers apply.</summary>
    public static LayerNeeds[] Needs(ResolvedModel model, bool[] needsGrad, bool[] contributes, Func<int, bool> hasPre)
    {
        var needs = new LayerNeeds[model.Layers.Count];
        for (int i = 0; i < needs.Length; i++)
        {
            var l = model.Layers[i];
            var (ins, outs) = BackwardReads.Of(l);
            needs[i] = new(checked((int)l.OutputElements), l.InputIndices, ins, outs, hasPre(i), needsGrad[i], contributes[i], IsView(l));
        }
        return needs;
    }

    public static MemoryPlan Build(IReadOnlyList<LayerNeeds> layers, bool training, bool share = true)
    {
        int n = layers.Count, end = 2 * n + 1;
        int Bwd(int i) => 2 * n - i;
        bool Runs(int i) => training && layers[i].NeedsGrad && layers[i].Contributes;
        var consumers = new List<(int C, int K)>[n];
        for (int i = 0; i < n; i++) consumers[i] = [];
        for (int c = 0; c < n; c++)
            for (int k = 0; k < layers[c].Inputs.Length; k++)
                if (layers[c].Inputs[k] >= 0) consumers[layers[c].Inputs[k]].Add((c, k));

        // Whose buffer each layer's output is: its own (i), a producer's (a view's), or the network input's (-1).
        bool View(int i) => share && i < n - 1 && layers[i].IsView && layers[i].Inputs.Length == 1;
        var owner = new int[n];
        for (int i = 0; i < n; i++) owner[i] = !View(i) ? i : layers[i].Inputs[0] < 0 ? -1 : owner[layers[i].Inputs[0]];
        var outLast = new int[n];
        for (int i = 0; i < n - 1; i++)
        {
            outLast[i] = i;
            foreach (var (c, _) in consumers[i])
            {
                outLast[i] = Math.Max(outLast[i], c);
                if (Runs(c) && layers[c].ReadsInputs) outLast[i] = Math.Max(outLast[i], Bwd(c));
            }
            if (Runs(i) && layers[i].ReadsOutput) outLast[i] = Math.Max(outLast[i], Bwd(i));
        }
        for (int i = 0; i < n - 1; i++)
            if (owner[i] >= 0 && owner[i] != i) outLast[owner[i]] = Math.Max(outLast[owner[i]], outLast[i]);

        var plan = new MemoryPlan(n);
        var planner = new BufferPlanner(share);
        var parts = new List<(int Layer, int[] Requests)>();
        for (int i = 0; i < n; i++)
        {
            var l = layers[i];
            plan.InputGradSlot[i] = Enumerable.Repeat(None, l.Inputs.Length).ToArray();
            plan.GradSlot[i] = None;
            if (i == n - 1)
            {
                plan.OutputSlot[i] = planner.Request(l.OutSize, 0, end);
                plan.PreSlot[i] = l.HasPre ? planner.Request(l.OutSize, 0, end) : None;
                plan.GradSlot[i] = training ? planner.Request(l.OutSize, 0, end) : None;
                continue;
            }
            plan.OutputSlot[i] = owner[i] == i ? planner.Request(l.OutSize, i, outLast[i]) : owner[i] < 0 ? NetworkInput : plan.OutputSlot[owner[i]];
            plan.PreSlot[i] = l.HasPre ? planner.Request(l.OutSize, i, Runs(i) ? Bwd(i) : i) : None;
        }
        // A view passes its gradient through in place when it is its producer's only consumer and both run backward;
        // the shared gradient then lives until the end of the chain's backward (its first layer).
        bool GradView(int v) => training && View(v) && layers[v].Inputs[0] >= 0 && consumers[layers[v].Inputs[0]].Count == 1
            && Runs(v) && Runs(layers[v].Inputs[0]);
        int GradEnd(int v) { while (GradView(v)) v = layers[v].Inputs[0]; return Bwd(v); }
        if (training)
            for (int p = n - 2; p >= 0; p--)   // a view before its producer: the producer takes the view's gradient
            {
                var all = consumers[p];
                if (all.Count == 1 && GradView(all[0].C))
                {
                    plan.GradSlot[p] = plan.InputGradSlot[all[0].C][0] = plan.GradSlot[all[0].C];
                    continue;
                }
                if (!Runs(p))
                {
                    // Nobody reads this gradient. A single consumer is told so (it may skip dx); several still get a
                    // buffer to write, live only during their own backward, as before planning.
                    if (all.Count > 1)
                        foreach (var (c, k) in all)
                            if (Runs(c)) plan.InputGradSlot[c][k] = planner.Request(layers[p].OutSize, Bwd(c), Bwd(c));
                    continue;
                }
                var wired = all.Where(ck => Runs(ck.C)).ToList();
                if (wired.Count == 0) throw new InvalidOperationException($"layer {p} runs backward but no consumer sends it a gradient");
                if (wired.Count == 1)
                {
                    var (c, k) = wired[0];
                    plan.GradSlot[p] = plan.InputGradSlot[c][k] = planner.Request(layers[p].OutSize, Bwd(c), GradEnd(p));
                    continue;
                }
                plan.GradSlot[p] = planner.Request(layers[p].OutSize, Bwd(p), GradEnd(p));
                var requests = new int[wired.Count];
                for (int j = 0; j < wired.Count; j++)
                {
                    var (c, k) = wired[j];
                    requests[j] = plan.InputGradSlot[c][k] = planner.Request(layers[p].OutSize, Bwd(c), Bwd(p));
                }
                parts.Add((p, requests));
            }

        var (slotOf, floats) = planner.Solve();
        int Slot(int request) => request < 0 ? request : slotOf[request];
        for (int i = 0; i < n; i++)
        {
            plan.OutputSlot[i] = Slot(plan.OutputSlot[i]);
            plan.PreSlot[i] = Slot(plan.PreSlot[i]);
            plan.GradSlot[i] = Slot(plan.GradSlot[i]);
            for (int k = 0; k < plan.InputGradSlot[i].Length; k++) plan.InputGradSlot[i][k] = Slot(plan.InputGradSlot[i][k]);
        }
        foreach (var (p, requests) in parts) plan.FanOut.Add((p, requests.Select(Slot).ToArray()));
        plan.SlotFloats = floats;
        for (int t = 0; t <= end; t++)
        {
            long live = 0;
            for (int r = 0; r < planner.Count; r++)
                if (planner[r].First <= t && t <= planner[r].Last) live += planner[r].Floats;
            plan.PeakLiveFloats = Math.Max(plan.PeakLiveFloats, live);
        }
        return plan;
    }
}
