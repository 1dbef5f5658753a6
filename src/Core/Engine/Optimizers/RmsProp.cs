namespace ModelCost.Core.Engine.Optimizers;

/// <summary>Keras RMSprop (no momentum, not centred): s = ρ·s + (1 − ρ)·g²; p −= lr·g/√(s + ε).</summary>
internal sealed class RmsProp : Optimizer
{
    private readonly float[] _s;
    private readonly float _rho, _eps;

    public RmsProp(double lr, int size, double rho = 0.9, double epsilon = 1e-7) : base(lr, size)
    {
        (_rho, _eps) = ((float)rho, (float)epsilon);
        _s = new float[size];
    }

    protected override void Update(int start, int end, float[] p, float[] g, float[] next)
    {
        float lr = (float)LearningRate;
        for (int i = start; i < end; i++)
        {
            float gi = g[i];
            float s = _rho * _s[i] + (1 - _rho) * gi * gi;
            _s[i] = s;
            next[i] = p[i] - lr * gi / MathF.Sqrt(s + _eps);
        }
    }
}
