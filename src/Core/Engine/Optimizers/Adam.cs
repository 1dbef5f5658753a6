using System.Numerics;

namespace ModelCost.Core.Engine.Optimizers;

/// <summary>
/// Keras Adam (and AdamW when <c>weightDecay</c> &gt; 0): m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
/// p −= α·m/(√v + ε) with α = lr·√(1 − β2^t)/(1 − β1^t) (Keras' form: ε is not bias-corrected).
/// AdamW first shrinks p by lr·wd·p, as Keras does.
/// </summary>
internal sealed class Adam : Optimizer
{
    private readonly float[] _m, _v;
    private readonly double _b1, _b2, _eps, _wd;
    private float _alpha, _decay;

    public Adam(double lr, int size, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, double weightDecay = 0)
        : base(lr, size)
    {
        (_b1, _b2, _eps, _wd) = (beta1, beta2, epsilon, weightDecay);
        _m = new float[size];
        _v = new float[size];
    }

    protected override void Prepare(long step)
    {
        _alpha = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(_b2, step)) / (1 - Math.Pow(_b1, step)));
        _decay = (float)(1 - LearningRate * _wd);
    }

    protected override void Update(int start, int end, float[] p, float[] g, float[] next)
    {
        float c1 = (float)(1 - _b1), c2 = (float)(1 - _b2), eps = (float)_eps, alpha = _alpha, decay = _decay;
        int vec = Vector<float>.Count;
        int vEnd = start + (end - start) / vec * vec;
        if (vEnd > start)
        {
            int count = vEnd - start;
            var pv = V(p, start, count); var gv = V(g, start, count); var mv = V(_m, start, count); var vv = V(_v, start, count);
            var nv = V(next, start, count);
            var vc1 = new Vector<float>(c1); var vc2 = new Vector<float>(c2); var veps = new Vector<float>(eps);
            var valpha = new Vector<float>(alpha); var vdecay = new Vector<float>(decay);
            for (int i = 0; i < pv.Length; i++)
            {
                var gi = gv[i];
                var m = mv[i] + (gi - mv[i]) * vc1;
                var v = vv[i] + (gi * gi - vv[i]) * vc2;
                mv[i] = m; vv[i] = v;
                nv[i] = pv[i] * vdecay - m * valpha / (Vector.SquareRoot(v) + veps);
            }
        }
        for (int i = vEnd; i < end; i++)
        {
            float gi = g[i];
            float m = _m[i] + (gi - _m[i]) * c1;
            float v = _v[i] + (gi * gi - _v[i]) * c2;
            _m[i] = m; _v[i] = v;
            next[i] = p[i] * decay - m * alpha / (MathF.Sqrt(v) + eps);
        }
    }
}
