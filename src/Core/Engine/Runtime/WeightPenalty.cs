namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// The Keras weight regularizers of a network (<c>kernel_regularizer=l2(0.001)</c>, ...): the penalty
/// <c>Σ L1·|w| + L2·w²</c> that Keras adds to the loss in fit and evaluate, and its gradient
/// <c>L1·sign(w) + 2·L2·w</c> added to the weight gradients after backpropagation. Summed in a
/// fixed order, so results do not depend on the thread count.
/// </summary>
internal sealed class WeightPenalty
{
    private readonly (int Offset, int Length, float L1, float L2, Specs.Regularizer Regularizer, bool Overwrite)[] _parts;

    public WeightPenalty(Network net)
    {
        var parts = new List<(int, int, float, float, Specs.Regularizer, bool)>();
        for (int i = 0; i < net.Model.Layers.Count; i++)
        {
            // A layer off the path to the output never writes its gradients; its weights get the penalty's gradient alone.
            bool backward = net.Contributes[i] && net.NeedsGrad[i];
            foreach (var s in WeightLayout.For(net.Model.Layers[i]))
                if (s.Trainable && s.Regularizer is { } r && (r.L1 != 0 || r.L2 != 0))
                    parts.Add((net.Offset(s.Name), checked((int)s.Elements), (float)r.L1, (float)r.L2, r, !backward));
        }
        _parts = parts.ToArray();
    }

    /// <summary>True when any weight is regularized.</summary>
    public bool Any => _parts.Length > 0;

    /// <summary>The penalty for the weights in <paramref name="p"/> (0 without regularizers).</summary>
    public double Value(float[] p)
    {
        double sum = 0;
        foreach (var (off, len, _, _, r, _) in _parts) sum += r.Penalty(p.AsSpan(off, len));
        return sum;
    }

    /// <summary>g += L1·sign(w) + 2·L2·w for every regularized weight (sign(0) = 0, as TensorFlow's gradient of |w|).</summary>
    public void AddGradient(float[] p, float[] g)
    {
        foreach (var (off, len, l1, l2, _, overwrite) in _parts)
        {
            var w = p.AsSpan(off, len);
            var d = g.AsSpan(off, len);
            if (overwrite) d.Clear();
            float twoL2 = 2 * l2;
            if (l1 == 0)
            {
                for (int i = 0; i < w.Length; i++) d[i] += twoL2 * w[i];
                continue;
            }
            for (int i = 0; i < w.Length; i++) d[i] += l1 * MathF.Sign(w[i]) + twoL2 * w[i];
        }
    }
}
