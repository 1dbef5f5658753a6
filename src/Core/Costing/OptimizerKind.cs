namespace ModelCost.Core.Costing;

/// <summary>Optimizers; they differ in how many state slots per parameter they keep.</summary>
public enum OptimizerKind
{
    Adam,
    AdamW,
    SGD,
    Momentum,
    RMSprop,
    Adagrad,
}
