using ModelCost.Core.Engine.Layers;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// A model compiled for one batch capacity: every activation and gradient buffer allocated once,
/// weights in one flat array (trainable) plus one for non-trainable state, so the optimiser is a
/// single pass and a step allocates nothing. Trainable weights are double-buffered: the optimiser
/// writes the new values into <see cref="PreviousParams"/> and the two swap, which keeps the previous
/// step's weights for free (the "last good" weights when the loss diverges).
/// </summary>
internal sealed class Network : IDisposable
{
    private readonly Dictionary<string, (bool Trainable, int Offset, int[] Shape)> _slots = new(StringComparer.Ordinal);
    private readonly List<WeightLayout.Slot> _slotOrder = [];
    private readonly int[] _consumerCount;
    private readonly List<(int Layer, float[][] Parts)> _fanOut = [];
    private readonly List<(int Layer, int Input, int Producer)> _unwired = [];

    public Network(ResolvedModel model, int capacity, bool training, int threads, bool keepLogitsOfLast = false)
    {
        Model = model;
        Capacity = capacity;
        Training = training;
        Pool = new WorkerPool(threads);
        InputSize = checked((int)ShapeInference.Elements(model.InputShape));

        int trainable = 0, state = 0;
        foreach (var l in model.Layers)
            foreach (var s in WeightLayout.For(l))
            {
                int len = checked((int)s.Elements);
                if (s.Trainable) { _slots[s.Name] = (true, trainable, s.Shape); trainable = checked(trainable + len); }
                else { _slots[s.Name] = (false, state, s.Shape); state = checked(state + len); }
                _slotOrder.Add(s);
            }
        Params = new float[trainable];
        PreviousParams = training ? new float[trainable] : [];
        Grads = training ? new float[trainable] : [];
        State = new float[state];
        PreviousState = training ? new float[state] : [];

        Layers = new Layer[model.Layers.Count];
        for (int i = 0; i < Layers.Length; i++) Layers[i] = LayerFactory.Create(this, model.Layers[i]);
        if (keepLogitsOfLast) Layers[^1].KeepLogits = true;

        Input = new float[checked(capacity * InputSize)];
        _consumerCount = new int[Layers.Length];
        foreach (var l in model.Layers)
            foreach (var p in l.InputIndices) if (p >= 0) _consumerCount[p]++;

        Contributes = new bool[Layers.Length];
        Contributes[^1] = true;
        for (int i = Layers.Length - 1; i >= 0; i--)
            if (Contributes[i])
                foreach (var p in model.Layers[i].InputIndices) if (p >= 0) Contributes[p] = true;

        foreach (var layer in Layers) layer.Allocate(capacity, training);

        // A layer needs dL/d(output) only if it has trainable weights or passes the gradient on to
        // one that does: a leading Flatten or pooling layer would otherwise make the first Dense/Conv
        // compute an input gradient nobody reads (a whole GEMM per step).
        NeedsGrad = new bool[Layers.Length];
        for (int i = 0; i < Layers.Length; i++)
        {
            NeedsGrad[i] = WeightLayout.For(model.Layers[i]).Any(s => s.Trainable);
            foreach (var p in model.Layers[i].InputIndices) if (p >= 0 && NeedsGrad[p]) NeedsGrad[i] = true;
        }

        // Wire inputs and input-gradient targets. A layer read by several consumers gets one
        // gradient buffer per consumer, summed (in consumer order) before its own backward.
        var partsFor = new Dictionary<int, List<float[]>>();
        for (int i = 0; i < Layers.Length; i++)
        {
            var idx = model.Layers[i].InputIndices;
            for (int k = 0; k < idx.Length; k++)
            {
                int p = idx[k];
                Layers[i].Inputs[k] = p < 0 ? Input : Layers[p].Output;
                if (!training || p < 0) { Layers[i].InputGrads[k] = null; continue; }
                if (!NeedsGrad[p] && _consumerCount[p] == 1) { Layers[i].InputGrads[k] = null; _unwired.Add((i, k, p)); continue; }
                if (_consumerCount[p] == 1) { Layers[i].InputGrads[k] = Layers[p].OutputGrad; continue; }
                var buf = new float[Layers[p].Output.Length];
                Layers[i].InputGrads[k] = buf;
                if (!partsFor.TryGetValue(p, out var list)) partsFor[p] = list = [];
                list.Add(buf);
            }
        }
        foreach (var (p, list) in partsFor) _fanOut.Add((p, list.ToArray()));
        Penalty = new WeightPenalty(this);
    }

    /// <summary>The weight regularizers' penalty and gradient (Keras adds them to the loss).</summary>
    public WeightPenalty Penalty { get; }

    public ResolvedModel Model { get; }
    public int Capacity { get; }
    public bool Training { get; }
    public WorkerPool Pool { get; }
    public int InputSize { get; }
    public Layer[] Layers { get; }
    public bool[] Contributes { get; }

    /// <summary>Whether layer i's backward has any effect (weights of its own or upstream; see constructor).</summary>
    public bool[] NeedsGrad { get; }

    public float[] Params { get; private set; }
    public float[] PreviousParams { get; private set; }
    public float[] Grads { get; }
    public float[] State { get; }
    public float[] PreviousState { get; }
    public float[] Input { get; }

    /// <summary>Gradient with respect to the network input; allocated on request (gradient checks).</summary>
    public float[]? InputGrad { get; private set; }

    public Layer Last => Layers[^1];
    public int OutputSize => Layers[^1].OutSize;

    /// <summary>Seed and step feed the counter-based dropout masks.</summary>
    public int Seed { get; set; }
    public long Step { get; set; }

    public IReadOnlyList<WeightLayout.Slot> Slots => _slotOrder;

    /// <summary>Offset of a trainable weight in <see cref="Params"/>/<see cref="Grads"/> (or of a state tensor in <see cref="State"/>).</summary>
    public int Offset(string slotName) => _slots[slotName].Offset;

    public void RequestInputGradient()
    {
        // The network input now needs a gradient, so every layer passes one on.
        Array.Fill(NeedsGrad, true);
        foreach (var (i, k, p) in _unwired) Layers[i].InputGrads[k] = Layers[p].OutputGrad;
        _unwired.Clear();
        InputGrad = new float[Input.Length];
        for (int i = 0; i < Layers.Length; i++)
        {
            var idx = Model.Layers[i].InputIndices;
            for (int k = 0; k < idx.Length; k++)
                if (idx[k] < 0)
                {
                    if (Layers[i].InputGrads[k] is not null) throw new InvalidOperationException("input gradient already wired");
                    Layers[i].InputGrads[k] = InputGrad;
                }
        }
        if (Model.Layers.Count(l => l.InputIndices.Contains(-1)) > 1)
            throw new InvalidOperationException("input gradient with several input consumers is not supported in checks");
    }

    public void Forward(int n, bool training)
    {
        if (n < 1 || n > Capacity) throw new ArgumentOutOfRangeException(nameof(n));
        foreach (var l in Layers) l.Forward(n, training);
    }

    /// <summary>Backpropagates from <c>Last.OutputGrad</c> (filled by the loss) through every contributing layer.</summary>
    public void Backward(int n)
    {
        for (int i = Layers.Length - 1; i >= 0; i--)
        {
            if (!Contributes[i] || !NeedsGrad[i]) continue;
            foreach (var (p, parts) in _fanOut)
            {
                if (p != i) continue;
                var dst = Layers[i].OutputGrad!.AsSpan(0, n * Layers[i].OutSize);
                parts[0].AsSpan(0, dst.Length).CopyTo(dst);
                for (int k = 1; k < parts.Length; k++)
                {
                    var src = parts[k].AsSpan(0, dst.Length);
                    for (int j = 0; j < dst.Length; j++) dst[j] += src[j];
                }
            }
            Layers[i].Backward(n);
        }
    }

    /// <summary>Makes the freshly written <see cref="PreviousParams"/> current (see class remarks).</summary>
    public void SwapParams() => (Params, PreviousParams) = (PreviousParams, Params);

    /// <summary>Copies every weight out, Keras names and shapes, in layer order.</summary>
    public List<NamedTensor> ExportTensors(bool previous = false)
    {
        var list = new List<NamedTensor>(_slotOrder.Count);
        var p = previous ? PreviousParams : Params;
        var st = previous ? PreviousState : State;
        foreach (var s in _slotOrder)
        {
            var (tr, off, shape) = _slots[s.Name];
            var data = new float[checked((int)s.Elements)];
            (tr ? p : st).AsSpan(off, data.Length).CopyTo(data);
            list.Add(new NamedTensor(s.Name, (int[])shape.Clone(), data));
        }
        return list;
    }

    /// <summary>Loads weights by name; every slot must be present with its exact shape.</summary>
    public void ImportTensors(IReadOnlyList<NamedTensor> tensors)
    {
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName[t.Name] = t;
        foreach (var s in _slotOrder)
        {
            if (!byName.TryGetValue(s.Name, out var t))
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"The weights have no tensor '{s.Name}' (shape {ShapeText.Format(s.Shape)}) that layer '{s.Name[..s.Name.LastIndexOf('.')]}' of model '{Model.Name}' needs.", s.Name);
            if (!t.Shape.AsSpan().SequenceEqual(s.Shape) || t.Data.Length != s.Elements)
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"Tensor '{s.Name}' has shape {ShapeText.Format(t.Shape)} but model '{Model.Name}' needs {ShapeText.Format(s.Shape)}.", s.Name);
            var (tr, off, _) = _slots[s.Name];
            t.Data.AsSpan().CopyTo((tr ? Params : State).AsSpan(off));
        }
        foreach (var t in tensors)
            if (!_slots.ContainsKey(t.Name))
                throw new ModelCostException(ErrorIds.SpecTensorMismatch, ModelCostErrorCategory.InvalidData,
                    $"Tensor '{t.Name}' belongs to no weight of model '{Model.Name}'.", t.Name);
    }

    public void Dispose() => Pool.Dispose();
}
