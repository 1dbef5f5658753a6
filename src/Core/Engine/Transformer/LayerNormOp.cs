using ModelCost.Core.Engine.Runtime;

namespace ModelCost.Core.Engine.Transformer;

/// <summary>
/// LayerNormalization over the last axis (Keras): y = (x − mean)/√(var + ε)·γ + β per row, biased variance.
/// Keeps each row's mean and 1/σ for the backward pass. γ/β gradients are per-thread partial sums over fixed
/// row shards added in thread order; dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ.
/// </summary>
internal sealed class LayerNormOp
{
    private readonly Network _net;
    private readonly int _width, _gammaOff, _betaOff;
    private readonly double _eps;
    private readonly Action<int> _forward, _backward;
    private float[] _mean = [], _rstd = [], _partials = [];
    private float[] _x = [], _y = [], _dy = [];
    private float[]? _dx;
    private bool _accumulate;
    private int _rows;

    public LayerNormOp(Network net, int width, double epsilon, int gammaOffset, int betaOffset)
    {
        _net = net;
        _width = width;
        _eps = epsilon;
        _gammaOff = gammaOffset;
        _betaOff = betaOffset;
        _forward = ForwardShard;
        _backward = BackwardShard;
    }

    public void Allocate(int maxRows)
    {
        _mean = new float[maxRows];
        _rstd = new float[maxRows];
        _partials = new float[_net.Pool.Threads * 2 * _width];
    }

    public void Forward(float[] x, float[] y, int rows)
    {
        (_x, _y, _rows) = (x, y, rows);
        _net.Pool.Run(_forward);
    }

    /// <summary>γ/β gradients (overwritten); dx written, or added when <paramref name="accumulate"/>; null dx = γ/β only.</summary>
    public void Backward(float[] x, float[] dy, float[]? dx, int rows, bool accumulate)
    {
        (_x, _dy, _dx, _rows, _accumulate) = (x, dy, dx, rows, accumulate);
        _net.Pool.Run(_backward);
        var g = _net.Grads;
        int threads = _net.Pool.Threads;
        for (int j = 0; j < _width; j++)
        {
            float sg = 0, sb = 0;
            for (int t = 0; t < threads; t++) { sg += _partials[t * 2 * _width + j]; sb += _partials[(t * 2 + 1) * _width + j]; }
            g[_gammaOff + j] = sg;
            g[_betaOff + j] = sb;
        }
        _dx = null;
    }

    private void ForwardShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, _net.Pool.Threads, part);
        var p = _net.Params;
        var gamma = p.AsSpan(_gammaOff, _width);
        var beta = p.AsSpan(_betaOff, _width);
        for (int r = r0; r < r1; r++)
        {
            var xs = _x.AsSpan(r * _width, _width);
            double sum = 0;
            foreach (var v in xs) sum += v;
            double mean = sum / _width, sq = 0;
            foreach (var v in xs) { double d = v - mean; sq += d * d; }
            float rstd = (float)(1.0 / Math.Sqrt(sq / _width + _eps)), m = (float)mean;
            _mean[r] = m; _rstd[r] = rstd;
            var ys = _y.AsSpan(r * _width, _width);
            for (int j = 0; j < _width; j++) ys[j] = (xs[j] - m) * rstd * gamma[j] + beta[j];
        }
    }

    private void BackwardShard(int part)
    {
        var (r0, r1) = WorkerPool.Slice(_rows, _net.Pool.Threads, part);
        var gammaGrad = _partials.AsSpan(part * 2 * _width, _width);
        var betaGrad = _partials.AsSpan((part * 2 + 1) * _width, _width);
        gammaGrad.Clear(); betaGrad.Clear();
        var gamma = _net.Params.AsSpan(_gammaOff, _width);
        for (int r = r0; r < r1; r++)
        {
            var xs = _x.AsSpan(r * _width, _width);
            var dys = _dy.AsSpan(r * _width, _width);
            float m = _mean[r], rstd = _rstd[r];
            double sumG = 0, sumGx = 0;
            for (int j = 0; j < _width; j++)
            {
                float xhat = (xs[j] - m) * rstd, d = dys[j];
                gammaGrad[j] += d * xhat;
                betaGrad[j] += d;
                float gj = d * gamma[j];
                sumG += gj; sumGx += gj * xhat;
            }
            if (_dx is null) continue;
            float meanG = (float)(sumG / _width), meanGx = (float)(sumGx / _width);
            var dxs = _dx.AsSpan(r * _width, _width);
            for (int j = 0; j < _width; j++)
            {
                float xhat = (xs[j] - m) * rstd;
                float v = rstd * (dys[j] * gamma[j] - meanG - xhat * meanGx);
                dxs[j] = _accumulate ? dxs[j] + v : v;
            }
        }
    }
}
