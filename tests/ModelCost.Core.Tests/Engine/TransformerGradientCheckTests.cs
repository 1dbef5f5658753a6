using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Engine.EngineTestKit;

namespace ModelCost.Core.Tests.Engine;

/// <summary>The transformer layers' backward against central finite differences (tolerance as in <see cref="EngineTestKit.GradientCheck"/>).</summary>
public class TransformerGradientCheckTests
{
    private static ModelSpec S(int[] input, params object[] layers) => LayerSpecFactory.Create("check", input, layers);

    private static ModelSpec Tokens(int[] input, params object[] layers) => LayerSpecFactory.Create("check", input, layers, inputDtype: "int32");

    [Fact]
    public void LayerNormalization() => GradientCheck(S([4, 6], "Dense(6, activation='tanh')", "LayerNormalization(epsilon=1e-3)"));

    [Fact]
    public void SelfAttention() => GradientCheck(S([5, 6], "MultiHeadAttention(2, 3)"));

    [Fact]
    public void CausalAttentionWithValueDimWithoutBias() =>
        GradientCheck(S([5, 6], "MultiHeadAttention(3, 2, value_dim=4, use_bias=False, use_causal_mask=True)"));

    [Fact]
    public void CrossAttentionQueryValueKey() =>
        GradientCheck(S([6, 4],
            "Dense(4, activation='tanh', name='base')",
            "Dense(5, activation='tanh', name='memory')",
            "Cropping1D((1, 2), name='query', inputs=['base'])",
            "Dense(3, name='keys', inputs=['base'])",
            "MultiHeadAttention(2, 3, value_dim=2, inputs=['query', 'memory', 'keys'])"));

    [Fact]
    public void AttentionProbabilityDropoutWithFixedMask() => GradientCheck(S([6, 4], "MultiHeadAttention(2, 2, dropout=0.3)"));

    [Fact]
    public void PostLnEncoderBlock() => GradientCheck(S([5, 8], "TransformerEncoder(12, 2, activation='gelu')"));

    [Fact]
    public void PreLnCausalDecoderBlockWithDropout() =>
        GradientCheck(S([5, 8], "Dense(8, activation='tanh')", "TransformerDecoder(12, 4, dropout=0.2, activation='gelu', normalize_first=True)"));

    // ReLU has a kink at 0: a hidden unit within eps of it makes the central difference wrong, so eps = 1e-3 here.
    [Fact]
    public void EncoderWithReluFeedForward() => GradientCheck(S([4, 6], "TransformerEncoder(10, 3, normalize_first=True)"), eps: 1e-3);

    // Embedding weights start at ±0.05 (Keras' uniform initialiser): fed straight to a LayerNorm over 4 values, rows
    // of nearly equal values have a tiny σ and the loss curves too fast for a central difference; a tanh Dense of
    // width 8 between them keeps the LayerNorm well conditioned without hiding any embedding gradient.
    [Fact]
    public void EmbeddingsPositionsAndSegmentTable() =>
        // Token ids 0..6 (not differentiable: only the weights are checked).
        GradientCheck(Tokens([6],
            "Embedding(7, 4)", "PositionEmbedding(9)", "Embedding(2, 4, constant_id=1, inputs=['input'])",
            "Add(inputs=['embedding', 'position_embedding', 'embedding_1'])", "Dense(8, activation='tanh')",
            "TransformerEncoder(8, 2, activation='gelu')", "GlobalAveragePooling1D()", "Dense(3)"),
            checkInput: false, input: i => i * 5 % 7);

    [Fact]
    public void ReshapeAndCropping() => GradientCheck(S([4, 6], "Dense(6, activation='tanh')", "Reshape((6, 4))", "Cropping1D((1, 2))", "Flatten()", "Dense(3)"));
}
