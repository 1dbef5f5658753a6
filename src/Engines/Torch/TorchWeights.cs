using ModelCost.Core.Engine;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>
/// A model's weights as libtorch tensors with the names, shapes and order of <see cref="WeightLayout"/> (Keras
/// layouts: Dense kernel (in, units), Conv2D kernel (kh, kw, cin, filters), ...). Trainable ones are leaves that
/// record gradients; BatchNormalization moving statistics are plain tensors updated in place.
/// </summary>
internal sealed class TorchWeights : IDisposable
{
    private readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);
    private readonly List<(WeightLayout.Slot Slot, Tensor Tensor)> _ordered = [];

    public TorchWeights(ResolvedModel model, IReadOnlyList<NamedTensor> values)
    {
        Model = model;
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in values) byName[t.Name] = t;
        foreach (var slot in WeightLayout.For(model))
        {
            if (!byName.TryGetValue(slot.Name, out var t))
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"The weights have no tensor '{slot.Name}' (shape {ShapeText.Format(slot.Shape)}) that model '{model.Name}' needs.", slot.Name);
            if (!t.Shape.AsSpan().SequenceEqual(slot.Shape) || t.Data.Length != slot.Elements)
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"Tensor '{slot.Name}' has shape {ShapeText.Format(t.Shape)} but model '{model.Name}' needs {ShapeText.Format(slot.Shape)}.", slot.Name);
            var tensor = torch.tensor(t.Data, slot.Shape.Select(d => (long)d).ToArray(), dtype: ScalarType.Float32);
            if (slot.Trainable) tensor.requires_grad_(true);
            _byName[slot.Name] = tensor;
            _ordered.Add((slot, tensor));
        }
        foreach (var t in values)
            if (!_byName.ContainsKey(t.Name))
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"Tensor '{t.Name}' belongs to no weight of model '{model.Name}'.", t.Name);
    }

    public ResolvedModel Model { get; }

    public Tensor this[string name] => _byName[name];

    public Tensor? TryGet(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Trainable tensors in layout order (the optimiser's and the gradient checks' order).</summary>
    public IReadOnlyList<Tensor> Trainable => _ordered.Where(o => o.Slot.Trainable).Select(o => o.Tensor).ToArray();

    /// <summary>Every tensor in layout order.</summary>
    public IReadOnlyList<Tensor> All => _ordered.Select(o => o.Tensor).ToArray();

    /// <summary>Names of <see cref="Trainable"/>, same order.</summary>
    public IReadOnlyList<string> TrainableNames => _ordered.Where(o => o.Slot.Trainable).Select(o => o.Slot.Name).ToArray();

    /// <summary>Copies every weight out (Keras names and shapes), as the managed engine exports them.</summary>
    public List<NamedTensor> Export(IReadOnlyList<Tensor>? replacement = null)
    {
        var list = new List<NamedTensor>(_ordered.Count);
        for (int i = 0; i < _ordered.Count; i++)
        {
            var (slot, tensor) = _ordered[i];
            var source = replacement is null ? tensor : replacement[i];
            list.Add(new NamedTensor(slot.Name, (int[])slot.Shape.Clone(), source.detach().cpu().contiguous().data<float>().ToArray()));
        }
        return list;
    }

    public void Dispose()
    {
        foreach (var (_, t) in _ordered) t.Dispose();
        _ordered.Clear();
        _byName.Clear();
    }
}
