namespace ModelCost.Core.Engine.Optimizers;

/// <summary>
/// Keras 3 Adagrad: a += g² (a starts at initial_accumulator_value 0.1); p −= lr·g/√(a + ε), ε = 1e-7.
/// </summary>
internal sealed class Adagrad : Optimizer
{
    private readonly float[] _a;
    private readonly float _eps;

    public Adagrad(double lr, int size, double initialAccumulator = 0.1, double epsilon = 1e-7) : base(lr, size)
    {
        _eps = (float)epsilon;
        _a = new float[size];
        Array.Fill(_a, (float)initialAccumulator);
    }

    protected override void Update(int start, int end, float[] p, float[] g, float[] next)
    {
        float lr = (float)LearningRate;
        for (int i = start; i < end; i++)
        {
            float gi = g[i];
            float a = _a[i] + gi * gi;
            _a[i] = a;
            next[i] = p[i] - lr * gi / MathF.Sqrt(a + _eps);
        }
    }
}
