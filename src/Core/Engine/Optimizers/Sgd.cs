namespace ModelCost.Core.Engine.Optimizers;

/// <summary>Keras SGD: without momentum p −= lr·g; with momentum u = μ·u − lr·g, p += u.</summary>
internal sealed class Sgd : Optimizer
{
    private readonly float[]? _u;
    private readonly float _momentum;

    public Sgd(double lr, int size, double momentum = 0) : base(lr, size)
    {
        _momentum = (float)momentum;
        if (momentum != 0) _u = new float[size];
    }

    protected override void Update(int start, int end, float[] p, float[] g, float[] next)
    {
        float lr = (float)LearningRate;
        if (_u is null)
        {
            for (int i = start; i < end; i++) next[i] = p[i] - lr * g[i];
            return;
        }
        for (int i = start; i < end; i++)
        {
            float u = _momentum * _u[i] - lr * g[i];
            _u[i] = u;
            next[i] = p[i] + u;
        }
    }
}
