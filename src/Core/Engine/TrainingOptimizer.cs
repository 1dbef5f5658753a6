namespace ModelCost.Core.Engine;

/// <summary>The optimizers training offers, with Keras defaults (docs/engine.md).</summary>
public enum TrainingOptimizer
{
    Adam,
    AdamW,
    SGD,
    RMSprop,
}
