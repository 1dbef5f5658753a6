using ModelCost.Core.Specs;

namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// One compiled layer: buffers for a batch capacity, forward and backward over the first n samples.
/// Backward overwrites (never accumulates) the gradients it owns: its weight gradients in
/// <see cref="Network.Grads"/> and the input gradient buffers it is given (null = not needed).
/// </summary>
internal abstract class Layer
{
    protected Layer(Network net, ResolvedLayer spec)
    {
        Net = net;
        Spec = spec;
        OutSize = checked((int)spec.OutputElements);
        InSizes = spec.InputShapes.Select(s => checked((int)ShapeInference.Elements(s))).ToArray();
        Inputs = new float[InSizes.Length][];
        InputGrads = new float[InSizes.Length][];
    }

    public Network Net { get; }
    public ResolvedLayer Spec { get; }
    public int OutSize { get; }
    public int[] InSizes { get; }

    public float[] Output = [];
    public float[]? OutputGrad;
    public float[][] Inputs;
    public float[]?[] InputGrads;

    /// <summary>The activation applied to this layer's output (linear for layers without one).</summary>
    public ActivationKind Act = ActivationKind.Linear;

    /// <summary>Pre-activation values, kept when the derivative needs them or the loss wants logits.</summary>
    public float[]? Pre;

    /// <summary>Set by the loss when it supplies dL/d(pre-activation) directly (softmax/sigmoid fused with cross-entropy).</summary>
    public bool FusedActivation;

    /// <summary>Set when the loss needs this layer's logits.</summary>
    public bool KeepLogits;

    protected WorkerPool Pool => Net.Pool;

    /// <summary>For loops inside one layer that can run for seconds (a chunk of a conv, a timestep): stops on Ctrl+C.</summary>
    protected void ThrowIfCancelled() => Net.Cancellation.ThrowIfCancellationRequested();
    protected int Threads => Net.Pool.Threads;
    protected float[] P => Net.Params;
    protected float[] G => Net.Grads;

    /// <summary>
    /// Allocates what the layer keeps for itself (partials, masks, caches). <see cref="Output"/>, <see cref="Pre"/>,
    /// <see cref="OutputGrad"/>, <see cref="Inputs"/> and <see cref="InputGrads"/> are already set by the network's
    /// memory plan (shared buffers, at least capacity × size long) and must not be replaced here.
    /// </summary>
    public virtual void Allocate(int capacity, bool training) { }

    /// <summary>For a layer used inside another (not planned by the network): its own output, gradient and pre-activation.</summary>
    public void AllocateOwnBuffers(int capacity, bool training)
    {
        Output = new float[checked(capacity * OutSize)];
        OutputGrad = training ? new float[Output.Length] : null;
        Pre = KeepLogits || ActivationMath.NeedsPreActivation(Act) ? new float[Output.Length] : null;
    }

    public abstract void Forward(int n, bool training);

    public abstract void Backward(int n);

    /// <summary>Applies the activation to Output[start..start+len) (whole rows), saving pre-activations if kept.</summary>
    protected void Activate(int start, int len)
    {
        if (Pre is not null) Output.AsSpan(start, len).CopyTo(Pre.AsSpan(start, len));
        ActivationMath.Forward(Act, Output.AsSpan(start, len), Spec.OutputShape[^1]);
    }

    /// <summary>Turns OutputGrad[start..start+len) from dL/dy into dL/d(pre-activation).</summary>
    protected void ActivationBackward(int start, int len)
    {
        if (FusedActivation || Act == ActivationKind.Linear) return;
        ActivationMath.Backward(Act, Output.AsSpan(start, len), Pre is null ? default : Pre.AsSpan(start, len),
            OutputGrad.AsSpan(start, len), Spec.OutputShape[^1]);
    }

    /// <summary>
    /// Grads[gradOffset + i] = Σ_t partials[t·stride + start + i] for i &lt; length, summed in thread
    /// order so results do not depend on scheduling.
    /// </summary>
    protected void ReducePartials(float[] partials, int stride, int start, int gradOffset, int length)
    {
        var grads = G;
        int parts = Threads;
        for (int i = 0; i < length; i++)
        {
            float s = 0;
            for (int t = 0; t < parts; t++) s += partials[t * stride + start + i];
            grads[gradOffset + i] = s;
        }
    }
}
