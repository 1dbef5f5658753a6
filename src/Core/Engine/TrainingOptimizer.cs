namespace ModelCost.Core.Engine;

/// <summary>The optimizers training offers, with Keras defaults (docs/engine.md).</summary>
public enum TrainingOptimizer
{
    Adam,
    AdamW,
    SGD,
    /// <summary>SGD with momentum (default 0.9), as costing's Momentum optimizer.</summary>
    Momentum,
    RMSprop,
    Adagrad,
}
