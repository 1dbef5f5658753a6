namespace ModelCost.Core.Costing;

/// <summary>Numeric precision of weights (and of gradients / activations in the memory estimate).</summary>
public enum Precision
{
    Float32,
    Float16,
    BFloat16,
    Int8,
}
