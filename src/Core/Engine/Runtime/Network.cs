using ModelCost.Core.Engine.Layers;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// A model compiled for one batch capacity: every activation and gradient buffer allocated once,
/// weights in one flat array (trainable) plus one for non-trainable state, so the optimiser is a
/// single pass and a step allocates nothing. Trainable weights are double-buffered: the optimiser
/// writes the new values into <see cref="PreviousParams"/> and the two swap, which keeps the previous
/// step's weights for free (the "last good" weights when the loss diverges). Outputs, pre-activations and
/// gradients share buffers by liveness (<see cref="MemoryPlan"/>).
/// </summary>
internal sealed class Network : IDisposable
{
    private readonly Dictionary<string, (bool Trainable, int Offset, int[] Shape)> _slots = new(StringComparer.Ordinal);
    private readonly List<WeightLayout.Slot> _slotOrder = [];
    private List<(int Layer, float[][] Parts)> _fanOut = [];
    private readonly bool _shareBuffers;

    public Network(ResolvedModel model, int capacity, bool training, int threads, bool keepLogitsOfLast = false, bool shareBuffers = true)
    {
        Model = model;
        Capacity = capacity;
        Training = training;
        _shareBuffers = shareBuffers;
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

        Contributes = MemoryPlan.Contributing(model);
        NeedsGrad = MemoryPlan.GradientNeeded(model);
        AllocateBuffers();
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

    /// <summary>Whether layer i's backward has any effect (weights of its own or upstream; <see cref="MemoryPlan.GradientNeeded"/>).</summary>
    public bool[] NeedsGrad { get; }

    public float[] Params { get; private set; }
    public float[] PreviousParams { get; private set; }
    public float[] Grads { get; private set; }
    public float[] State { get; }
    public float[] PreviousState { get; private set; }
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
        // The network input now needs a gradient, so every layer passes one on: plan the buffers again.
        Array.Fill(NeedsGrad, true);
        AllocateBuffers();
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

    /// <summary>The activation and gradient buffers as planned (slot lengths in floats per sample of capacity).</summary>
    public MemoryPlan Plan { get; private set; } = null!;

    /// <summary>
    /// Plans the outputs, pre-activations and gradients by liveness (<see cref="MemoryPlan"/>), allocates one array
    /// per slot and hands them to the layers, then lets each layer allocate what it keeps for itself.
    /// </summary>
    private void AllocateBuffers()
    {
        var needs = MemoryPlan.Needs(Model, NeedsGrad, Contributes, i => Layers[i].KeepLogits || ActivationMath.NeedsPreActivation(Layers[i].Act));
        Plan = MemoryPlan.Build(needs, Training, _shareBuffers);
        var slots = Plan.SlotFloats.Select(f => new float[checked(Capacity * (int)f)]).ToArray();
        float[]? At(int slot) => slot == MemoryPlan.None ? null : slots[slot];
        for (int i = 0; i < Layers.Length; i++)
        {
            var layer = Layers[i];
            layer.Output = Plan.OutputSlot[i] == MemoryPlan.NetworkInput ? Input : slots[Plan.OutputSlot[i]];
            layer.Pre = At(Plan.PreSlot[i]);
            layer.OutputGrad = At(Plan.GradSlot[i]);
            var idx = Model.Layers[i].InputIndices;
            for (int k = 0; k < idx.Length; k++)
            {
                layer.Inputs[k] = idx[k] < 0 ? Input : Layers[idx[k]].Output;
                layer.InputGrads[k] = At(Plan.InputGradSlot[i][k]);
            }
        }
        _fanOut = Plan.FanOut.Select(f => (f.Layer, f.PartSlots.Select(s => slots[s]).ToArray())).ToList();
        Scratch = new LayerScratch(Pool.Threads);
        foreach (var layer in Layers) layer.Allocate(Capacity, Training);
        Scratch.Allocate();
    }

    /// <summary>Scratch shared by the layers that use it only inside their own forward or backward (sized for the largest).</summary>
    public LayerScratch Scratch { get; private set; } = null!;

    /// <summary>
    /// Checked between layers and inside long layer computations (a conv layer's per-chunk loop), so Ctrl+C stops a
    /// heavy batch within a chunk rather than after it: <see cref="OperationCanceledException"/> leaves the batch
    /// unfinished and the weights of the last whole step untouched (the optimiser has not run).
    /// </summary>
    public CancellationToken Cancellation { get; set; }

    public void Forward(int n, bool training)
    {
        if (n < 1 || n > Capacity) throw new ArgumentOutOfRangeException(nameof(n));
        foreach (var l in Layers)
        {
            Cancellation.ThrowIfCancellationRequested();
            l.Forward(n, training);
        }
    }

    /// <summary>Backpropagates from <c>Last.OutputGrad</c> (filled by the loss) through every contributing layer.</summary>
    public void Backward(int n)
    {
        for (int i = Layers.Length - 1; i >= 0; i--)
        {
            if (!Contributes[i] || !NeedsGrad[i]) continue;
            Cancellation.ThrowIfCancellationRequested();
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

    /// <summary>
    /// The weights once training is over (completed, cancelled, or the last good ones of a diverged run), for the result.
    /// The layers with their activation, gradient and scratch buffers, the gradients and the other copy of the weights
    /// are let go and collected first, so the result's copy reuses their memory instead of adding to the run's peak
    /// (ResNet-18 at batch 64: 43 MiB of weights on top of ~600 MiB). The network cannot run afterwards. The trainer
    /// drops its optimizer first where it can (its state is as large as the weights, twice for Adam).
    /// </summary>
    public List<NamedTensor> ExportFinalTensors(bool previous = false)
    {
        // The layers hold the planned buffers and their own caches (kept unfolds, masks, recurrent states).
        Array.Clear(Layers);
        _fanOut = [];
        Scratch = new LayerScratch(Pool.Threads);
        Grads = [];
        if (previous) Params = [];
        else { PreviousParams = []; PreviousState = []; }
        // One full collection at the end of a run: without it the copy below is new memory while the dropped
        // buffers wait for a collection the allocation may not trigger.
        GC.Collect();
        return ExportTensors(previous);
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
