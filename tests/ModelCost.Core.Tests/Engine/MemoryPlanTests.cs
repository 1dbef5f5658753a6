using ModelCost.Core.Engine;
using ModelCost.Core.Engine.Optimizers;
using ModelCost.Core.Engine.Runtime;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>
/// The liveness plan of activation and gradient buffers (Runtime/MemoryPlan, BufferPlanner). Timeline of one step with
/// L layers: forward of layer i at time i, the loss at L, backward of layer i at 2L − i; intervals are inclusive.
/// </summary>
public class MemoryPlanTests
{
    [Fact]
    public void The_planner_shares_a_slot_only_between_intervals_that_do_not_touch()
    {
        var p = new BufferPlanner();
        int a = p.Request(10, 0, 2), b = p.Request(6, 2, 4), c = p.Request(8, 3, 5), d = p.Request(10, 5, 6);
        var (slot, floats) = p.Solve();
        // a [0,2] and b [2,4] meet at 2: apart. c [3,5] starts after a ends: a's slot (10 floats fits 8).
        // d [5,6]: a's slot is busy to 5 (c), b's is free (4 < 5) and grows from 6 to 10.
        Assert.NotEqual(slot[a], slot[b]);
        Assert.Equal(slot[a], slot[c]);
        Assert.Equal(slot[b], slot[d]);
        Assert.Equal([10L, 10L], floats);
    }

    /// <summary>
    /// input → Dense(4) a → Dense(4, relu) b → Add(b, c) → Dense(2) d, with Dense(4) c also reading a (fan-out), L = 5:
    /// backward times d 6, add 7, c 8, b 9, a 10. Worked on paper:
    /// outputs a [0, 9] (b's backward reads it), b [1, 9] (relu: its own backward reads it), c [2, 3] (linear, the
    /// Add reads nothing back: transient), add [3, 6] (d's backward reads it), d [0, 11] (the loss's);
    /// gradients d [0, 11], add [6, 7], b [7, 9], c [7, 8], a's parts from c [8, 10] and from b [9, 10], summed into a's
    /// own at [10, 10]. Greedy by start: a.out S0, d.out S1, d.grad S2, b.out S3, c.out S4, add.out S5 (S4 busy to 3),
    /// add.grad S4, b.grad S5, c.grad S6, part c S4, part b S6, a.grad S0 (a's output is dead after 9).
    /// Seven slots: 5 × 4 + 2 × 2 = 24 floats per sample, against 44 (every output, gradient and part) before.
    /// </summary>
    [Fact]
    public void A_small_dag_with_fan_out_shares_what_paper_says_and_nothing_live()
    {
        var spec = Spec([3],
            L("Dense", units: 4, name: "a"), L("Dense", units: 4, activation: "relu", name: "b"),
            L("Dense", units: 4, name: "c", inputs: ["a"]), L("Add", name: "add", inputs: ["b", "c"]), L("Dense", units: 2, name: "d"));
        using var net = new Network(ShapeInference.Resolve(spec), 1, training: true, threads: 1);
        var plan = net.Plan;
        Assert.Equal(24, plan.TotalFloats);
        Assert.Equal(plan.OutputSlot[2], plan.GradSlot[3]);   // c's transient output becomes add's gradient
        Assert.Equal(plan.OutputSlot[0], plan.GradSlot[0]);   // a's output, last read at b's backward, becomes a's gradient
        var fan = Assert.Single(plan.FanOut);
        Assert.Equal(0, fan.Layer);
        Assert.Equal([plan.InputGradSlot[1][0], plan.InputGradSlot[2][0]], fan.PartSlots);
        Assert.Equal(plan.OutputSlot[2], fan.PartSlots[1]);   // c's part reuses S4 again
        Assert.Equal(plan.GradSlot[1], plan.InputGradSlot[3][0]);
        Assert.Equal(plan.GradSlot[2], plan.InputGradSlot[3][1]);
        // What is live at once never aliases: each layer's output against its inputs, its gradient against its input gradients.
        for (int i = 0; i < 5; i++)
        {
            foreach (var p in net.Model.Layers[i].InputIndices) if (p >= 0) Assert.NotSame(net.Layers[p].Output, net.Layers[i].Output);
            foreach (var dx in net.Layers[i].InputGrads) if (dx is not null) Assert.NotSame(net.Layers[i].OutputGrad, dx);
        }
        Assert.NotSame(net.Layers[1].Output, net.Layers[0].Output); // b's backward reads both
        Assert.NotEqual(fan.PartSlots[0], fan.PartSlots[1]);
    }

    /// <summary>
    /// input [2, 3] → Dense(3) z ([2, 3], 6 floats) → Dense(4, relu) a ([2, 4], 8) → Flatten f (8) → Dense(2) d; L = 4,
    /// backward d 4, f 5, a 6, z 7. Flatten is a view: f's output is a's buffer, kept until the later of d's backward
    /// (reads its input, 4) and a's (relu reads its output, 6): a.out [1, 6]. z.out [0, 6] (a's backward reads it);
    /// d's output and gradient live throughout [0, 9]. f is a's only consumer, so f's gradient is a's: one buffer from
    /// d's backward to a's, [4, 6]. z's gradient [6, 7] starts when a's backward writes it, while a's backward still
    /// reads z.out, a.out and that gradient: a new slot. Greedy: z.out S0 6, d.out S1 2, d.grad S2 2, a.out S3 8,
    /// f/a gradient S4 8, z.grad S5 6 = 32 floats per sample. (Ending the shared gradient at f's own backward, 5, would
    /// let z's gradient overwrite it in S4 while a's backward reads it: 26.) Unplanned: 6 + 8 + 8 + 2 + 2 + 8 + 8 + 6 = 48.
    /// </summary>
    [Fact]
    public void A_flatten_is_a_view_of_its_producer_worked_by_hand()
    {
        var model = ShapeInference.Resolve(Spec([2, 3], L("Dense", units: 3, name: "z"), L("Dense", units: 4, activation: "relu", name: "a"),
            L("Flatten", name: "f"), L("Dense", units: 2, name: "d")));
        using var net = new Network(model, 1, training: true, threads: 1);
        using var separate = new Network(model, 1, training: true, threads: 1, shareBuffers: false);
        Assert.Equal(32, net.Plan.TotalFloats);
        Assert.Equal(48, separate.Plan.TotalFloats);
        Assert.Same(net.Layers[1].Output, net.Layers[2].Output);
        Assert.Same(net.Layers[1].OutputGrad, net.Layers[2].OutputGrad);
        Assert.Same(net.Layers[2].OutputGrad, net.Layers[3].InputGrads[0]);
        Assert.NotSame(net.Layers[0].OutputGrad, net.Layers[1].OutputGrad);
        Assert.NotSame(separate.Layers[1].Output, separate.Layers[2].Output);
    }

    [Fact]
    public void A_flatten_of_the_network_input_is_the_input_itself()
    {
        var model = ShapeInference.Resolve(Spec([2, 2], L("Flatten", name: "f"), L("Dense", units: 3, name: "d")));
        using var training = new Network(model, 2, training: true, threads: 1);
        using var inference = new Network(model, 2, training: false, threads: 1);
        Assert.Same(training.Input, training.Layers[0].Output);
        Assert.Same(inference.Input, inference.Layers[0].Output);
        // Only d's output and gradient remain (3 floats each; the flattened input is the input buffer).
        Assert.Equal(6, training.Plan.TotalFloats);
    }

    /// <summary>
    /// A ResNet basic block on 4×4×2 (32 floats per tensor): conv1, bn1, relu (r), conv2, bn2, Add(bn2, r), relu (last),
    /// L = 7, backward at 14 − i. Conv and BatchNorm backward read their input, relu its output, Add nothing, so:
    /// outputs conv1 [0, 13], bn1 [1, 2], r [2, 12], conv2 [3, 10], bn2 [4, 5], add [5, 6], last [0, 15];
    /// gradients last [0, 15], add [8, 9], bn2 [9, 10], conv2 [10, 11], r's parts from conv2 [11, 12] and add [9, 12]
    /// with r's own [12, 12], bn1 [12, 13], conv1 [13, 14]. Counting what is live at each time: 3, 4, 5, 5, 6, 7, 6, 5,
    /// 6, 8, 8, 7, 8, 5, 3: at most 8 tensors. All the same size, so greedy by start needs exactly 8 slots (interval
    /// colouring): 8 × 32 = 256 floats per sample, 65,536 bytes at batch 64, against 16 × 32 before planning
    /// (7 outputs, 7 gradients, 2 parts).
    /// </summary>
    [Fact]
    public void A_resnet_basic_block_plans_the_peak_worked_by_hand()
    {
        var spec = LayerSpecFactory.Create("block", [4, 4, 2],
        [
            "Conv2D(2, 3, padding='same', use_bias=False, name='conv1')", "BatchNormalization(name='bn1')", "Activation('relu', name='r')",
            "Conv2D(2, 3, padding='same', use_bias=False, name='conv2')", "BatchNormalization(name='bn2')",
            "Add(inputs=['bn2', 'r'], name='add')", "Activation('relu', name='out')",
        ]);
        using var net = new Network(ShapeInference.Resolve(spec), 64, training: true, threads: 1);
        Assert.Equal(8 * 32, net.Plan.TotalFloats);
        Assert.Equal(65_536, net.Plan.TotalFloats * 4 * net.Capacity);
        // Inference keeps nothing for backward: conv1 [0, 1], bn1 [1, 2], r [2, 5], conv2 [3, 4], bn2 [4, 5], add [5, 6],
        // last [0, 7]: at most 4 live (r, bn2, add's inputs and the last at time 5) → 4 slots.
        using var inference = new Network(ShapeInference.Resolve(spec), 64, training: false, threads: 1);
        Assert.Equal(4 * 32, inference.Plan.TotalFloats);
    }
}

/// <summary>
/// Sharing buffers must change no number: the same models trained for a few Adam steps with every buffer its own
/// (the layout before planning) and with the plan give bit-identical weights, logits and inference outputs. A buffer
/// shared while still live would carry another tensor's values into a read and change them.
/// </summary>
public class MemoryPlanEquivalenceTests
{
    public static TheoryData<string, int[], string[], bool> Models => new()
    {
        { "mlp", [20], ["Dense(16, activation='relu')", "Dropout(0.2)", "Dense(8, activation='tanh')", "Dense(4, activation='softmax')"], false },
        { "cnn", [10, 10, 2], ["Conv2D(4, 3, activation='relu')", "BatchNormalization()", "MaxPooling2D(2)", "Conv2D(6, 2, activation='gelu')", "AveragePooling2D(2)", "Flatten()", "Dense(4, activation='softmax')"], false },
        { "resnet", [8, 8, 3],
            ["Conv2D(4, 3, padding='same', use_bias=False, name='stem')", "BatchNormalization(name='bn0')", "Activation('relu', name='r0')",
             "Conv2D(4, 3, padding='same', use_bias=False, name='c1')", "BatchNormalization(name='b1')", "Activation('relu', name='r1')",
             "Conv2D(4, 3, padding='same', use_bias=False, name='c2')", "BatchNormalization(name='b2')", "Add(inputs=['b2', 'r0'], name='a1')", "Activation('relu', name='r2')",
             "ZeroPadding2D(1, name='pad')", "Conv2D(8, 3, strides=2, use_bias=False, name='c3')", "BatchNormalization(name='b3')",
             "Conv2D(8, 1, strides=2, use_bias=False, inputs=['r2'], name='down')", "BatchNormalization(name='bd')", "Add(inputs=['b3', 'bd'], name='a2')",
             "Activation('relu', name='r3')", "GlobalAveragePooling2D()", "Dense(5, activation='softmax')"], false },
        { "branches", [6, 6, 2],
            ["SeparableConv2D(4, 3, padding='same', activation='swish', name='sep')", "DepthwiseConv2D(3, padding='same', name='dw', inputs=['input'])",
             "Concatenate(inputs=['sep', 'dw', 'sep'], name='cat')", "LeakyReLU()", "GlobalMaxPooling2D()", "Dense(3, activation='softmax')"], false },
        // Views: a Flatten of a Dense, a Reshape of a Dense and a Flatten of that Reshape read by two layers (its
        // gradient is summed from two parts into the buffer the Reshape and the Dense share).
        { "views", [4, 3],
            ["Dense(5, name='d0')", "Flatten(name='f0')", "Dense(12, activation='relu', name='d1')", "Reshape((3, 4), name='r')", "Flatten(name='f1')",
             "Dense(12, name='d2')", "Add(inputs=['d2', 'f1'], name='sum')", "Dense(3, activation='softmax')"], false },
        { "recurrent", [5, 3], ["LSTM(6, return_sequences=True)", "GRU(4, return_sequences=True)", "SimpleRNN(3)", "Dense(3, activation='softmax')"], false },
        { "transformer", [8],
            ["Embedding(20, 16)", "PositionEmbedding(8)", "Add(inputs=['embedding', 'position_embedding'])",
             "TransformerEncoder(32, 4, dropout=0.1, activation='gelu')", "MultiHeadAttention(2, 8, dropout=0.1, use_causal_mask=True)",
             "LayerNormalization()", "GlobalAveragePooling1D()", "Dense(4, activation='softmax')"], true },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Planned_buffers_train_to_the_same_bits_as_separate_ones(string name, int[] input, string[] layers, bool tokens)
    {
        var model = ShapeInference.Resolve(LayerSpecFactory.Create(name, input, layers, inputDtype: tokens ? "int32" : null));
        var (planned, plannedLogits, plannedInference) = Train(model, share: true, tokens);
        var (separate, separateLogits, separateInference) = Train(model, share: false, tokens);
        Assert.Equal(separate, planned);
        Assert.Equal(separateLogits, plannedLogits);
        Assert.Equal(separateInference, plannedInference);
    }

    [Fact]
    public void A_deep_chain_plans_its_peak_worked_by_hand()
    {
        // Ten Dense(8, tanh), L = 10, backward of layer i at 20 − i. Output i is read by its own backward (tanh) and
        // its consumer's (the input): live [i, 20 − i]; the last layer's output and gradient throughout; gradient i
        // (i < 9) from layer i+1's backward to its own: [19 − i, 20 − i]. At t = 12 (layer 8's backward): outputs 0–8,
        // the last output and gradient, gradient 8 [11, 12] and gradient 7 [12, 13] = 13 live, the most at any time
        // (t = 11 and 13 have 12). Equal sizes: 13 slots × 8 floats, against 20 × 8 unplanned.
        var model = ShapeInference.Resolve(LayerSpecFactory.Create("chain", [8], Enumerable.Repeat("Dense(8, activation='tanh')", 10).ToArray()));
        using var planned = new Network(model, 4, training: true, threads: 1);
        using var separate = new Network(model, 4, training: true, threads: 1, shareBuffers: false);
        Assert.Equal(20 * 8, separate.Plan.TotalFloats);
        Assert.Equal(13 * 8, planned.Plan.TotalFloats);
    }

    private static (float[] Weights, float[] Logits, float[] Inference) Train(ResolvedModel model, bool share, bool tokens)
    {
        const int Batch = 6;
        using var net = new Network(model, Batch, training: true, threads: 2, keepLogitsOfLast: true, shareBuffers: share) { Seed = 3 };
        WeightInitializer.Initialize(net, 1);
        var loss = new LossFunction(net, LossKind.SparseCategoricalCrossentropy);
        var opt = new Adam(1e-2, net.Params.Length);
        var rng = new DeterministicRandom(17);
        var labels = new int[Batch];
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < Batch * net.InputSize; i++) net.Input[i] = tokens ? (float)(int)(rng.NextDouble() * 20) : (float)rng.NextNormal();
            for (int i = 0; i < Batch; i++) labels[i] = (int)(rng.NextDouble() * net.OutputSize) % net.OutputSize;
            net.Forward(Batch, true);
            loss.Compute(Batch, labels, true);
            net.Backward(Batch);
            opt.Step(net.Params, net.Grads, net.PreviousParams, net.Pool);
            net.SwapParams();
            net.Step++;
        }
        var logits = (float[])(net.Last.Pre ?? net.Last.Output).Clone();
        using var inference = new Network(model, Batch, training: false, threads: 2, shareBuffers: share);
        net.Params.AsSpan().CopyTo(inference.Params);
        net.State.AsSpan().CopyTo(inference.State);
        net.Input.AsSpan().CopyTo(inference.Input);
        inference.Forward(Batch, false);
        return ((float[])net.Params.Clone(), logits, (float[])inference.Last.Output.Clone());
    }
}
