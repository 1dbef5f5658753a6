using ModelCost.Core.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCost.Engines.Torch;

/// <summary>
/// Keras optimisers written on libtorch tensors with the managed engine's formulas (torch.optim's Adam puts ε after
/// the bias correction and would drift from Keras): Adam α = lr·√(1 − β2^t)/(1 − β1^t), p −= α·m/(√v + ε), ε 1e-7;
/// AdamW shrinks p by lr·wd·p first; SGD with optional momentum u = μu − lr·g; RMSprop p −= lr·g/√(s + ε).
/// </summary>
internal sealed class TorchOptimizer : IDisposable
{
    private readonly TrainingOptimizer _kind;
    private readonly double _lr, _momentum, _weightDecay;
    private readonly IReadOnlyList<Tensor> _params;
    private readonly Tensor[] _m, _v;
    private long _step;

    public TorchOptimizer(TrainingOptimizer kind, double lr, double momentum, double weightDecay, IReadOnlyList<Tensor> parameters)
    {
        (_kind, _lr, _momentum, _weightDecay, _params) = (kind, lr, momentum, weightDecay, parameters);
        bool twoSlots = kind is TrainingOptimizer.Adam or TrainingOptimizer.AdamW;
        bool oneSlot = twoSlots || kind == TrainingOptimizer.RMSprop || (kind == TrainingOptimizer.SGD && momentum != 0);
        _m = oneSlot ? parameters.Select(p => zeros_like(p).detach()).ToArray() : [];
        _v = twoSlots ? parameters.Select(p => zeros_like(p).detach()).ToArray() : [];
    }

    public void Step()
    {
        _step++;
        using var _ = no_grad();
        const double b1 = 0.9, b2 = 0.999, eps = 1e-7, rho = 0.9;
        double alpha = _lr * Math.Sqrt(1 - Math.Pow(b2, _step)) / (1 - Math.Pow(b1, _step));
        for (int i = 0; i < _params.Count; i++)
        {
            var p = _params[i];
            using var g = p.grad ?? zeros_like(p);
            switch (_kind)
            {
                case TrainingOptimizer.Adam or TrainingOptimizer.AdamW:
                    _m[i].add_((g - _m[i]).mul_(1 - b1));
                    _v[i].add_((g * g - _v[i]).mul_(1 - b2));
                    if (_kind == TrainingOptimizer.AdamW) p.mul_((float)(1 - _lr * _weightDecay));
                    p.sub_(_m[i] * (float)alpha / (_v[i].sqrt() + (float)eps));
                    break;
                case TrainingOptimizer.SGD when _momentum != 0:
                    _m[i].mul_((float)_momentum).sub_(g * (float)_lr);
                    p.add_(_m[i]);
                    break;
                case TrainingOptimizer.SGD:
                    p.sub_(g * (float)_lr);
                    break;
                default:
                    _m[i].mul_((float)rho).add_(g * g * (float)(1 - rho));
                    p.sub_(g * (float)_lr / (_m[i] + (float)eps).sqrt());
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}
