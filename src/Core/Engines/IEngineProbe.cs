using ModelCost.Core.Engine;

namespace ModelCost.Core.Engines;

/// <summary>
/// One training-mode forward and backward pass of given weights on one batch, exposed by engines so the
/// cross-engine tests can hold them to the same logits, loss and weight gradients
/// (tests/ModelCost.Core.Tests/Engines/CrossEngineTests.cs). Dropout masks are keyed by <c>seed</c> at step 0.
/// </summary>
public interface IEngineProbe
{
    /// <summary>
    /// Runs <paramref name="inputs"/> (labels.Length samples, row-major, channels last) through <paramref name="model"/>
    /// in training mode with <paramref name="loss"/> fused to the last layer as training does (a linear last layer
    /// is read as logits), then back-propagates the batch-mean loss.
    /// </summary>
    EngineProbeResult Probe(TrainedModel model, float[] inputs, int[] labels, LossKind loss, int seed);
}
