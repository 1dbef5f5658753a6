using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch.Layers;

/// <summary>
/// Keras Embedding: token ids truncated to ints as Keras casts them (an id outside the table stops the step with
/// TokenIdOutOfRange naming the sample and position); with constant_id every position reads that row.
/// </summary>
internal sealed class EmbeddingOp(ResolvedLayer spec, TorchWeights weights) : TorchLayer(spec, weights)
{
    public override Tensor Forward(Tensor[] inputs, TorchStep step)
    {
        var x = inputs[0];
        long n = x.shape[0];
        var table = W("embeddings");
        long positions = ShapeInference.Elements(Spec.InputShape);
        if (Spec.ConstantId >= 0)
            return table[Spec.ConstantId].expand([n, .. Spec.OutputShape.Select(d => (long)d)]);
        var values = x.detach().contiguous().data<float>().ToArray();
        var ids = new long[values.Length];
        for (int r = 0; r < values.Length; r++)
        {
            float v = values[r];
            ids[r] = float.IsFinite(v) && v > -1 && v < Spec.InputDim ? (int)v : -1;
            if (ids[r] < 0)
                throw new ModelCostException(ErrorIds.TokenIdOutOfRange, ModelCostErrorCategory.InvalidData,
                    string.Create(CultureInfo.InvariantCulture, $"Layer {Spec.Index} '{Spec.Name}' (Embedding), option 'input_dim': sample {r / positions}, position {r % positions} holds token id {v}, outside the table's 0 to {Spec.InputDim - 1}."), Spec.Name)
                { LayerIndex = Spec.Index, LayerName = Spec.Name, Option = "input_dim" };
        }
        return table.index_select(0, torch.tensor(ids)).reshape([n, .. Spec.OutputShape.Select(d => (long)d)]);
    }
}
