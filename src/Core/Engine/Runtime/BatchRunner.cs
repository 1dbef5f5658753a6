namespace ModelCost.Core.Engine.Runtime;

/// <summary>Gathers samples into the network input and runs inference over a range: validation, test and evaluation.</summary>
internal static class BatchRunner
{
    public static void Gather(Network net, SampleStore x, ReadOnlySpan<int> indices, int sampleSize)
    {
        var dst = net.Input;
        for (int i = 0; i < indices.Length; i++)
            x.CopyTo((long)indices[i] * sampleSize, dst, (long)i * sampleSize, sampleSize);
    }

    /// <summary>
    /// Mean loss and accuracy of samples [start, start+count) in inference mode. The loss includes the
    /// weight regularizers' penalty, as Keras' evaluate (and fit's val_loss) report it.
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(Network net, LossFunction loss, SampleStore x, int[] y, int start, int count, CancellationToken ct)
    {
        if (count <= 0) return (double.NaN, double.NaN);
        double l = 0, c = 0;
        int size = net.InputSize;
        for (int b = start; b < start + count; b += net.Capacity)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(net.Capacity, start + count - b);
            x.CopyTo((long)b * size, net.Input, 0, (long)n * size);
            net.Forward(n, training: false);
            var (bl, bc) = loss.Compute(n, y.AsSpan(b, n), gradient: false);
            l += bl; c += bc;
        }
        return (l / count + net.Penalty.Value(net.Params), c / count);
    }
}
