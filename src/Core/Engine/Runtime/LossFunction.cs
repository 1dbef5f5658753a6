using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Cross-entropy losses fused with the output activation, as Keras does when the last layer is a
/// softmax (or sigmoid): the loss is computed from the logits (log-sum-exp, softplus), so it is
/// finite even when a probability underflows, and dL/dlogits = (p − target)/n goes straight to the
/// layer, which then skips its activation's backward. Categorical cross-entropy with integer
/// labels is the same arithmetic as the sparse form; no one-hot matrix is built.
/// </summary>
internal sealed class LossFunction
{
    private readonly Network _net;
    private readonly LossKind _kind;
    private readonly int _width;

    public LossFunction(Network net, LossKind kind)
    {
        _net = net;
        _kind = kind;
        _width = net.OutputSize;
        net.Last.FusedActivation = true;
    }

    /// <summary>
    /// Checks that the model's output fits the loss and the classes; returns whether the last layer
    /// must keep its logits (softmax/sigmoid output). Throws naming the layer and shapes otherwise.
    /// </summary>
    public static bool Plan(ResolvedModel model, LossKind kind, bool fromLogits, int classes)
    {
        var last = model.Layers[^1];
        var shape = last.OutputShape;
        bool binary = kind == LossKind.BinaryCrossentropy;
        bool shapeOk = shape.Length == 1 && (shape[0] == classes || (binary && shape[0] == 1 && classes <= 2));
        if (!shapeOk)
        {
            string hint = shape.Length > 1 ? " The output still has spatial or time axes: add Flatten (or global pooling) before the last Dense layer." : "";
            string want = binary && classes <= 2 ? $"(None, {classes}) or (None, 1)" : $"(None, {classes})";
            throw new ModelCostException(ErrorIds.ModelOutputMismatch, ModelCostErrorCategory.InvalidArgument,
                $"Model '{model.Name}': the last layer '{last.Name}' outputs {ShapeText.FormatWithBatch(shape)} but the dataset has {classes} classes, so the output must be {want}.{hint}", last.Name)
            { LayerIndex = last.Index, LayerName = last.Name };
        }
        string act = last.Type is LayerTypes.Dense or LayerTypes.Conv1D or LayerTypes.Conv2D or LayerTypes.Conv3D or LayerTypes.SeparableConv2D
            or LayerTypes.DepthwiseConv2D or LayerTypes.Activation ? last.Activation : Activations.Linear;
        string needed = binary ? Activations.Sigmoid : Activations.Softmax;
        if (fromLogits)
        {
            if (act != Activations.Linear)
                throw new ModelCostException(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument,
                    $"FromLogits is set but the last layer '{last.Name}' applies '{act}'; logits need a linear last layer.", last.Name) { Option = "FromLogits", LayerName = last.Name };
            return false;
        }
        if (act != needed)
            throw new ModelCostException(ErrorIds.InvalidTrainingOption, ModelCostErrorCategory.InvalidArgument,
                $"Loss {kind} needs the last layer '{last.Name}' to end in '{needed}' (it applies '{act}'), or set FromLogits with a linear last layer.", last.Name)
            { Option = "Loss", LayerName = last.Name };
        return true;
    }

    /// <summary>Sum of per-sample losses and of per-sample accuracy over the first n samples; writes dL/dlogits (batch mean) when asked.</summary>
    public (double Loss, double Correct) Compute(int n, ReadOnlySpan<int> labels, bool gradient)
    {
        var last = _net.Last;
        var z = last.Pre ?? last.Output;
        var grad = gradient ? last.OutputGrad : null;
        double lossSum = 0, correct = 0;
        int w = _width;
        if (_kind != LossKind.BinaryCrossentropy)
        {
            for (int s = 0; s < n; s++)
            {
                var row = z.AsSpan(s * w, w);
                int y = labels[s];
                float max = row[0]; int arg = 0;
                for (int j = 1; j < w; j++) if (row[j] > max) { max = row[j]; arg = j; }
                double sum = 0;
                for (int j = 0; j < w; j++) sum += Math.Exp(row[j] - max);
                double lse = max + Math.Log(sum);
                lossSum += lse - row[y];
                if (arg == y) correct++;
                if (grad is null) continue;
                var g = grad.AsSpan(s * w, w);
                double inv = 1.0 / n;
                for (int j = 0; j < w; j++) g[j] = (float)((Math.Exp(row[j] - lse) - (j == y ? 1 : 0)) * inv);
            }
            return (lossSum, correct);
        }
        for (int s = 0; s < n; s++)
        {
            var row = z.AsSpan(s * w, w);
            int y = labels[s];
            double l = 0, hits = 0;
            for (int j = 0; j < w; j++)
            {
                double x = row[j];
                double t = w == 1 ? y : (j == y ? 1 : 0);
                l += Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
                if ((x > 0 ? 1 : 0) == t) hits++;
                if (grad is not null)
                {
                    double p = x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
                    grad[s * w + j] = (float)((p - t) / ((double)n * w));
                }
            }
            lossSum += l / w;
            correct += hits / w;
        }
        return (lossSum, correct);
    }
}
