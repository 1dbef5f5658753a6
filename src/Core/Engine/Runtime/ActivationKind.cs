namespace ModelCost.Core.Engine.Runtime;

/// <summary>The activations the engine computes (Keras 3 definitions and default parameters).</summary>
internal enum ActivationKind
{
    Linear, Relu, Sigmoid, Tanh, Softmax, Elu, Selu, Gelu, Swish, Softplus, Softsign, HardSigmoid, Relu6, LeakyRelu, Exponential,
}
