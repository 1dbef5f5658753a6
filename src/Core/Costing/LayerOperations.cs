using ModelCost.Core.Specs;

namespace ModelCost.Core.Costing;

/// <summary>
/// Counts one resolved layer's primitive operations per sample, forward and backward, per
/// <see cref="CostOps"/> kind. Every formula lives here once; conventions only weigh the counts.
/// Reads only <see cref="ResolvedLayer"/> (shapes and defaults were decided by ShapeInference).
/// All arithmetic is checked: an overflow surfaces as <see cref="OverflowException"/> and is
/// turned into a CostOverflow error naming the layer by the caller.
/// </summary>
internal sealed class LayerOperations
{
    /// <summary>Forward count per kind index.</summary>
    public readonly long[] Forward = new long[CostOps.Count];

    /// <summary>Backward count per kind index (weight gradients + input gradients).</summary>
    public readonly long[] Backward = new long[CostOps.Count];

    /// <summary>Multiply-accumulates of the forward pass.</summary>
    public long Macs;

    /// <summary>
    /// Elements per sample the layer keeps for its backward pass besides its output: attention's projected
    /// queries, keys, values, probabilities (heads × L × L) and context, a block's inner tensors, LayerNorm's statistics.
    /// </summary>
    public long SavedElements;

    /// <summary>
    /// <paramref name="needsInputGradient"/>: whether anything upstream has trainable parameters, so the
    /// gradient w.r.t. this layer's input must be computed (false for a first layer, as in PyTorch autograd).
    /// </summary>
    public static LayerOperations Count(ResolvedLayer layer, bool needsInputGradient)
    {
        var ops = new LayerOperations();
        bool trainable = layer.TrainableParams > 0;
        bool anyGradient = trainable || needsInputGradient;
        long outElems = layer.OutputElements;

        switch (layer.Type)
        {
            case LayerTypes.Dense:
            {
                long macs = checked(layer.InputElements * layer.Units);
                ops.Product(layer.InputShape.Length == 1 ? CostOps.MatMulMac : CostOps.BatchMatMulMac, macs, trainable, needsInputGradient);
                ops.Bias(layer, outElems, trainable);
                ops.OutputActivation(layer, outElems, anyGradient);
                break;
            }
            case LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D:
            {
                long kvol = ShapeInference.Elements(layer.KernelSize);
                long macs = checked(outElems * kvol * layer.InputShape[^1]);
                ops.Product(CostOps.ConvMac, macs, trainable, needsInputGradient);
                ops.Bias(layer, outElems, trainable);
                ops.OutputActivation(layer, outElems, anyGradient);
                break;
            }
            case LayerTypes.DepthwiseConv2D:
            {
                // Each output channel reads one input channel: kh·kw MACs per output element.
                long macs = checked(outElems * ShapeInference.Elements(layer.KernelSize));
                ops.Product(CostOps.ConvMac, macs, trainable, needsInputGradient);
                ops.Bias(layer, outElems, trainable);
                ops.OutputActivation(layer, outElems, anyGradient);
                break;
            }
            case LayerTypes.SeparableConv2D:
            {
                // Depthwise (kh·kw per intermediate element) then pointwise 1×1 (Cin·dm per output element).
                long spatial = ShapeInference.Elements(layer.OutputShape.AsSpan(0, layer.OutputShape.Length - 1).ToArray());
                long mid = checked((long)layer.InputShape[^1] * layer.DepthMultiplier);
                long macs = checked(spatial * mid * ShapeInference.Elements(layer.KernelSize) + outElems * mid);
                ops.Product(CostOps.ConvMac, macs, trainable, needsInputGradient);
                ops.Bias(layer, outElems, trainable);
                ops.OutputActivation(layer, outElems, anyGradient);
                break;
            }
            case LayerTypes.MaxPooling1D or LayerTypes.MaxPooling2D or LayerTypes.MaxPooling3D
                or LayerTypes.AveragePooling1D or LayerTypes.AveragePooling2D or LayerTypes.AveragePooling3D:
            {
                bool is3D = layer.Type.EndsWith("3D", StringComparison.Ordinal);
                bool isMax = layer.Type.StartsWith("Max", StringComparison.Ordinal);
                string kind = (is3D, isMax) switch
                {
                    (false, true) => CostOps.MaxPoolWindow, (false, false) => CostOps.AvgPoolWindow,
                    (true, true) => CostOps.MaxPool3DWindow, (true, false) => CostOps.AvgPool3DWindow,
                };
                long reads = checked(outElems * ShapeInference.Elements(layer.PoolSize));
                ops.Elementwise(kind, reads, needsInputGradient);
                break;
            }
            case LayerTypes.GlobalAveragePooling1D or LayerTypes.GlobalAveragePooling2D:
                ops.Elementwise(CostOps.GlobalAvgPoolInput, layer.InputElements, needsInputGradient);
                break;
            case LayerTypes.GlobalMaxPooling2D:
                ops.Elementwise(CostOps.GlobalMaxPoolInput, layer.InputElements, needsInputGradient);
                break;
            case LayerTypes.Activation:
                ops.OutputActivation(layer, outElems, needsInputGradient);
                break;
            case LayerTypes.BatchNormalization:
            {
                // Forward: scale and shift per element, folding the statistics per channel.
                // Backward: gamma/beta gradients (one pass) when trainable, input gradient (one pass) when needed.
                long channels = layer.OutputShape[^1];
                int passes = (trainable ? 1 : 0) + (needsInputGradient ? 1 : 0);
                ops.Add(CostOps.BatchNormElement, outElems, checked(passes * outElems));
                ops.Add(CostOps.BatchNormChannel, channels, checked(passes * channels));
                break;
            }
            case LayerTypes.Add:
                // The gradient of a sum passes through unchanged: no backward arithmetic.
                ops.Add(CostOps.AddElement, checked(outElems * (layer.InputShapes.Length - 1)), 0);
                break;
            case LayerTypes.Concatenate:
                ops.Add(CostOps.ConcatElement, outElems, 0);
                break;
            case LayerTypes.SimpleRNN or LayerTypes.LSTM or LayerTypes.GRU:
                CountRecurrent(ops, layer, trainable, needsInputGradient);
                break;
            case LayerTypes.Embedding or LayerTypes.PositionEmbedding:
                // A copy of table rows; the backward adds each output gradient into its row of the table gradient.
                ops.Add(CostOps.EmbeddingLookup, outElems, trainable ? outElems : 0);
                break;
            case LayerTypes.LayerNormalization:
            {
                long width = layer.OutputShape[^1], rows = outElems / width;
                ops.LayerNorm(rows, width, trainable, needsInputGradient);
                break;
            }
            case LayerTypes.MultiHeadAttention:
            {
                var q = layer.InputShapes[0];
                var v = layer.InputShapes.Length > 1 ? layer.InputShapes[1] : q;
                var k = layer.InputShapes.Length > 2 ? layer.InputShapes[2] : v;
                ops.Attention(layer, q[0], v[0], q[1], k[1], v[1], needsInputGradient);
                break;
            }
            case LayerTypes.TransformerEncoder or LayerTypes.TransformerDecoder:
                CountTransformerBlock(ops, layer, needsInputGradient);
                break;
            case LayerTypes.MatMul:
            {
                // (…, M, K)·(…, K, N): every output element is K multiply-accumulates. Backward: one product of the same
                // size for each input's gradient (dA = dY·Bᵀ, dB = Aᵀ·dY), needed when anything upstream trains.
                long macs = checked(outElems * layer.InputShape[^1]);
                ops.Macs = checked(ops.Macs + macs);
                ops.Add(CostOps.BatchMatMulMac, macs, needsInputGradient ? checked(2 * macs) : 0);
                break;
            }
            // Reshape, Cropping1D, Permute: data movement only.
            // Flatten, Dropout (identity at inference), ZeroPadding2D: data movement only.
        }
        return ops;
    }

    private static void CountRecurrent(LayerOperations ops, ResolvedLayer layer, bool trainable, bool needsInputGradient)
    {
        long steps = layer.InputShape[0], features = layer.InputShape[1], units = layer.Units;
        int gates = layer.Type switch { LayerTypes.LSTM => 4, LayerTypes.GRU => 3, _ => 1 };
        // Per step every gate multiplies [x_t, h_{t-1}] (features + units) by its kernels: gates·units·(features + units).
        long inputMacs = checked(steps * gates * units * features);
        long stateMacs = checked(steps * gates * units * units);
        long macs = checked(inputMacs + stateMacs);
        ops.Macs = checked(ops.Macs + macs);
        // Backward: weight gradients = forward MACs; the gradient through h_{t-1} is always needed
        // (back-propagation through time); the one w.r.t. x_t only when something upstream trains.
        long backMacs = checked((trainable ? macs : 0) + stateMacs + (needsInputGradient ? inputMacs : 0));
        ops.Add(CostOps.RecurrentMac, macs, backMacs);

        int biasVectors = !layer.UseBias ? 0 : (layer.Type == LayerTypes.GRU && layer.ResetAfter) || layer.RecurrentBias ? 2 : 1;
        long bias = checked(steps * gates * units * biasVectors);
        ops.Add(CostOps.RecurrentBiasAdd, bias, trainable ? bias : 0);

        // Activations inside the cell, per step:
        //   SimpleRNN: activation on units.
        //   LSTM: recurrent_activation on i, f, o (3·units); activation on the candidate and on c_t (2·units);
        //         gate arithmetic c_t = f·c + i·g and h_t = o·tanh(c_t): 4·units.
        //   GRU: recurrent_activation on z, r (2·units); activation on the candidate (units);
        //        gate arithmetic r·(…), (1 − z), z·h, (1 − z)·h̃, sum: 5·units.
        long recAct = layer.Type switch { LayerTypes.LSTM => 3, LayerTypes.GRU => 2, _ => 0 };
        long act = layer.Type switch { LayerTypes.LSTM => 2, _ => 1 };
        long gateOps = layer.Type switch { LayerTypes.LSTM => 4, LayerTypes.GRU => 5, _ => 0 };
        if (recAct > 0 && layer.RecurrentActivation != Activations.Linear)
            ops.Add(CostOps.RecurrentActivation(layer.RecurrentActivation), checked(steps * recAct * units), checked(steps * recAct * units));
        if (layer.Activation != Activations.Linear)
            ops.Add(CostOps.RecurrentActivation(layer.Activation), checked(steps * act * units), checked(steps * act * units));
        if (gateOps > 0)
            ops.Add(CostOps.RecurrentElementwise, checked(steps * gateOps * units), checked(steps * gateOps * units));
    }

    /// <summary>
    /// KerasNLP TransformerEncoder/Decoder on (L, d), feed-forward width I: self-attention, two residual adds, two
    /// LayerNorms and the feed-forward pair of Dense layers (d→I with the activation, I→d), all with biases.
    /// Post-LN (BERT): x = LN(x + attn(x)); x = LN(x + ffn(x)). Pre-LN (GPT-2): x = x + attn(LN(x)); x = x + ffn(LN(x)).
    /// </summary>
    private static void CountTransformerBlock(LayerOperations ops, ResolvedLayer layer, bool needsInputGradient)
    {
        long length = layer.InputShape[0], width = layer.InputShape[1], inner = layer.IntermediateDim;
        long seq = checked(length * width), hidden = checked(length * inner);
        bool pre = layer.NormalizeFirst;
        // The first sub-layer needs an input gradient only when something upstream trains; every later one always does.
        ops.LayerNorm(length, width, trainable: true, needsInputGradient: !pre || needsInputGradient);
        ops.Attention(layer, length, length, width, width, width, pre || needsInputGradient);
        ops.LayerNorm(length, width, trainable: true, needsInputGradient: true);
        ops.Add(CostOps.AddElement, checked(2 * seq), 0); // the two residual adds (their gradient passes unchanged)
        ops.Product(CostOps.BatchMatMulMac, checked(seq * inner), trainable: true, needsInputGradient: true);
        ops.Add(CostOps.BiasAdd, hidden, hidden);
        if (layer.Activation != Activations.Linear) ops.Add(CostOps.Activation(layer.Activation), hidden, hidden);
        ops.Product(CostOps.BatchMatMulMac, checked(hidden * width), trainable: true, needsInputGradient: true);
        ops.Add(CostOps.BiasAdd, seq, seq);
        // Kept for the backward: attention output, first residual sum, the LayerNorm output between, feed-forward
        // output and the second sum or norm (5·L·d), the hidden layer before and after its activation (2·L·I),
        // the dropout results (2·L·d) when dropout > 0.
        ops.SavedElements = checked(ops.SavedElements + 5 * seq + 2 * hidden + (layer.Dropout > 0 ? 2 * seq : 0));
    }

    /// <summary>
    /// Keras MultiHeadAttention: query/key/value projections (EinsumDense over the sequence), query scaled by
    /// 1/√key_dim, scores Q·Kᵀ per head, optional causal mask, softmax, probabilities × values, output projection.
    /// </summary>
    private void Attention(ResolvedLayer layer, long lq, long lk, long dq, long dk, long dv, bool needsInputGradient)
    {
        long h = layer.NumHeads, hk = checked(h * layer.KeyDim), hv = checked(h * layer.ValueDim);
        long q = checked(lq * hk), k = checked(lk * hk), v = checked(lk * hv), ctx = checked(lq * hv), outElems = checked(lq * dq);
        long scores = checked(h * lq * lk);
        // Projections: weight gradients always; input gradients of q/k/v when upstream trains; the output
        // projection's input gradient (to the context) always, since the q/k/v weights need it.
        Product(CostOps.BatchMatMulMac, checked(lq * dq * hk + lk * dk * hk + lk * dv * hv), trainable: true, needsInputGradient);
        Product(CostOps.BatchMatMulMac, checked(ctx * dq), trainable: true, needsInputGradient: true);
        if (layer.UseBias)
        {
            long biased = checked(q + k + v + outElems);
            Add(CostOps.BiasAdd, biased, biased);
        }
        Add(CostOps.AttentionScale, q, q);
        // Scores and weighted sum: each backward is two products of the same size (dQ and dK; dP and dV).
        long scoreMacs = checked(scores * layer.KeyDim), valueMacs = checked(scores * layer.ValueDim);
        Macs = checked(Macs + scoreMacs + valueMacs);
        Add(CostOps.AttentionScoreMac, scoreMacs, checked(2 * scoreMacs));
        Add(CostOps.AttentionValueMac, valueMacs, checked(2 * valueMacs));
        if (layer.UseCausalMask) Add(CostOps.AttentionMask, scores, 0);
        Add(CostOps.AttentionSoftmax, scores, scores);
        // Kept: projected q, k, v, the probabilities (and their dropped copy), the context before the output projection.
        SavedElements = checked(SavedElements + q + k + v + scores * (layer.Dropout > 0 ? 2 : 1) + ctx);
    }

    /// <summary>LayerNorm over rows of <paramref name="width"/>: per element and per row counts; backward passes like BatchNormalization.</summary>
    private void LayerNorm(long rows, long width, bool trainable, bool needsInputGradient)
    {
        int passes = (trainable ? 1 : 0) + (needsInputGradient ? 1 : 0);
        long elems = checked(rows * width);
        Add(CostOps.LayerNormElement, elems, checked(passes * elems));
        Add(CostOps.LayerNormRow, rows, checked(passes * rows));
        SavedElements = checked(SavedElements + 2 * rows); // mean and 1/σ per row
    }

    /// <summary>A weight product: forward MACs; backward weight gradient (= MACs) and input gradient (= MACs).</summary>
    private void Product(string kind, long macs, bool trainable, bool needsInputGradient)
    {
        Macs = checked(Macs + macs);
        Add(kind, macs, checked((trainable ? macs : 0) + (needsInputGradient ? macs : 0)));
    }

    /// <summary>Bias add: forward one add per output; backward the bias gradient sums the output gradient (one add per output).</summary>
    private void Bias(ResolvedLayer layer, long outElems, bool trainable)
    {
        if (layer.UseBias) Add(CostOps.BiasAdd, outElems, trainable ? outElems : 0);
    }

    /// <summary>The layer's output activation; its derivative is needed whenever any gradient flows through the layer.</summary>
    private void OutputActivation(ResolvedLayer layer, long outElems, bool anyGradient)
    {
        if (layer.Activation != Activations.Linear)
            Add(CostOps.Activation(layer.Activation), outElems, anyGradient ? outElems : 0);
    }

    /// <summary>An operation without weights: its backward is the input gradient only.</summary>
    private void Elementwise(string kind, long count, bool needsInputGradient) =>
        Add(kind, count, needsInputGradient ? count : 0);

    private void Add(string kind, long forward, long backward)
    {
        int i = CostOps.Index(kind);
        Forward[i] = checked(Forward[i] + forward);
        Backward[i] = checked(Backward[i] + backward);
    }
}
