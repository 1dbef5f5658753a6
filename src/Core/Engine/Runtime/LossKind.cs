namespace ModelCost.Core.Engine.Runtime;

internal enum LossKind { SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy }
