using System.Collections;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>
/// Transformer layers in specs: Keras / KerasNLP option names and parameter counts (each derived by hand from
/// the weight shapes Keras creates), the three ways of writing them, Keras 3 JSON import and the errors.
/// </summary>
public class TransformerSpecTests
{
    private static ModelSpec Tokens(int length, params object[] layers) =>
        LayerSpecFactory.Create("m", [length], layers, inputDtype: "int32");

    private static ModelCostException Fails(Action a) => Assert.Throws<ModelCostException>(a);

    [Fact]
    public void EmbeddingCountsVocabularyTimesWidth()
    {
        // Keras Embedding(1000, 64): one (1000, 64) table = 64,000 weights; output (None, 12, 64).
        var m = ShapeInference.Resolve(Tokens(12, "Embedding(1000, 64)"));
        Assert.Equal(64_000, m.Params);
        Assert.Equal([12, 64], m.OutputShape);
        Assert.Equal("embedding", m.Layers[0].Name);
    }

    [Fact]
    public void MultiHeadAttentionSelfAndCrossCountKerasWeights()
    {
        // Keras MultiHeadAttention(num_heads=2, key_dim=3) on a (5, 8) query: query/key kernels (8, 2, 3) + biases (2, 3),
        // value kernel (8, 2, 3) + bias (2, 3), output kernel (2, 3, 8) + bias (8): 3·(48 + 6) + 48 + 8 = 218.
        var self = ShapeInference.Resolve(LayerSpecFactory.Create("m", [5, 8], ["MultiHeadAttention(2, 3)"]));
        Assert.Equal(218, self.Params);
        Assert.Equal([5, 8], self.OutputShape);
        // Cross-attention: query (5, 8) from the input, value (7, 4) from a Dense; value_dim 6, no biases:
        // query 8·2·3 = 48, key 4·2·3 = 24, value 4·2·6 = 48, output 2·6·8 = 96 → 216; Dense 8·4+4 = 36.
        var cross = ShapeInference.Resolve(LayerSpecFactory.Create("m", [7, 8],
        [
            "Dense(4, name='memory')",
            "Cropping1D((1, 1), name='query', inputs=['input'])",
            "MultiHeadAttention(2, 3, value_dim=6, use_bias=False, inputs=['query', 'memory'])",
        ]));
        Assert.Equal(216, cross.Layers[2].Params);
        Assert.Equal([5, 8], cross.OutputShape);
    }

    [Fact]
    public void LayerNormPositionEmbeddingReshapeAndCropping()
    {
        // LayerNormalization over the last axis: γ and β, 2·16 = 32; PositionEmbedding(10) on (6, 16): 10·16 = 160.
        var m = ShapeInference.Resolve(LayerSpecFactory.Create("m", [6, 16],
            ["PositionEmbedding(10)", "LayerNormalization(epsilon=1e-6)", "Reshape((-1, 8))", "Cropping1D(2)"]));
        Assert.Equal([160, 32, 0, 0], m.Layers.Select(l => l.Params));
        Assert.Equal([12, 8], m.Layers[2].OutputShape); // 96 values as (-1, 8)
        Assert.Equal([8, 8], m.OutputShape);            // 12 positions less 2 at each end
        Assert.Equal(1e-6, m.Layers[1].Epsilon);
    }

    [Fact]
    public void TransformerBlocksUseKerasNlpDefaults()
    {
        // KerasNLP TransformerEncoder(64, 4) on width 32: attention 4·32² + 4·32 = 4,224; two LayerNorms 4·32 = 128;
        // feed-forward 32·64 + 64 + 64·32 + 32 = 4,192 → 8,544. Defaults: relu, epsilon 1e-5, dropout 0, post-LN.
        var m = ShapeInference.Resolve(LayerSpecFactory.Create("m", [10, 32], ["TransformerEncoder(64, 4)", "TransformerDecoder(64, 4, normalize_first=True)"]));
        Assert.Equal(8_544, m.Layers[0].Params);
        Assert.Equal(8_544, m.Layers[1].Params);
        Assert.Equal(("relu", 1e-5, 0.0, false, false), (m.Layers[0].Activation, m.Layers[0].Epsilon, m.Layers[0].Dropout, m.Layers[0].NormalizeFirst, m.Layers[0].UseCausalMask));
        Assert.True(m.Layers[1].UseCausalMask);
        Assert.True(m.Layers[1].NormalizeFirst);
        Assert.Equal(8, m.Layers[1].KeyDim);
    }

    [Fact]
    public void StringsHashtablesAndYamlGiveEqualSpecs()
    {
        object[] strings =
        [
            "Embedding(100, 32)", "PositionEmbedding(sequence_length=16)", "Add(inputs=['embedding', 'position_embedding'])",
            "MultiHeadAttention(4, 8, dropout=0.1, use_causal_mask=True)", "LayerNormalization(epsilon=1e-5)",
            "TransformerDecoder(64, 4, 0.1, 'gelu', 1e-5, normalize_first=True)", "Reshape((512,))",
        ];
        object[] tables =
        [
            new Hashtable { ["Type"] = "Embedding", ["InputDim"] = 100, ["OutputDim"] = 32 },
            new Hashtable { ["Type"] = "PositionEmbedding", ["SequenceLength"] = 16 },
            new Hashtable { ["Type"] = "Add", ["Inputs"] = new[] { "embedding", "position_embedding" } },
            new Hashtable { ["Type"] = "MultiHeadAttention", ["num_heads"] = 4, ["KeyDim"] = 8, ["Dropout"] = 0.1, ["UseCausalMask"] = true },
            new Hashtable { ["Type"] = "LayerNormalization", ["Epsilon"] = 1e-5 },
            new Hashtable { ["Type"] = "TransformerDecoder", ["IntermediateDim"] = 64, ["NumHeads"] = 4, ["Dropout"] = 0.1, ["Activation"] = "gelu", ["LayerNormEpsilon"] = 1e-5, ["NormalizeFirst"] = true },
            new Hashtable { ["Type"] = "Reshape", ["TargetShape"] = new[] { 512 } },
        ];
        const string yaml = """
            apiVersion: modelcost/v1
            kind: ModelSpec
            metadata: {name: m}
            spec:
              inputShape: [16]
              inputDtype: int32
              layers:
                - {type: Embedding, input_dim: 100, output_dim: 32}
                - {type: PositionEmbedding, sequence_length: 16}
                - {type: Add, inputs: [embedding, position_embedding]}
                - {type: MultiHeadAttention, num_heads: 4, key_dim: 8, dropout: 0.1, use_causal_mask: true}
                - {type: LayerNormalization, epsilon: 1.0e-5}
                - {type: TransformerDecoder, intermediate_dim: 64, num_heads: 4, dropout: 0.1, activation: gelu, layer_norm_epsilon: 1.0e-5, normalize_first: true}
                - {type: Reshape, target_shape: [512]}
            """;
        var a = Tokens(16, strings);
        var b = Tokens(16, tables);
        var c = ModelSpecYaml.Parse(yaml);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Equal("int32", c.InputDtype);
        Assert.Equal(c, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(c)));
        // 3,200 + 512 + 0 + 4,224 + 64 + 8,544 + 0 = 16,544.
        Assert.Equal(16_544, ShapeInference.Resolve(c).Params);
    }

    [Fact]
    public void KerasTwoInputLengthDeclaresTokenIdsInEverySyntax()
    {
        // Keras 2: Embedding(100, 32, input_length=16) as the first layer means an input of 16 token ids.
        var a = LayerSpecFactory.Create("m", null, ["Embedding(100, 32, input_length=16)", "GlobalAveragePooling1D()"]);
        var b = LayerSpecFactory.Create("m", null,
            [new Hashtable { ["Type"] = "Embedding", ["InputDim"] = 100, ["OutputDim"] = 32, ["InputLength"] = 16 }, "GlobalAveragePooling1D()"]);
        var c = ModelSpecYaml.Parse("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  layers: ['Embedding(100, 32, input_length=16)', 'GlobalAveragePooling1D()']\n");
        foreach (var spec in new[] { a, b, c })
        {
            Assert.Equal([16], spec.InputShape);
            Assert.Equal("int32", spec.InputDtype);
        }
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        // An explicit dtype wins; input_length on another type is an unknown option.
        Assert.Null(LayerSpecFactory.Create("m", null, ["Embedding(100, 32, input_length=16)"], inputDtype: "float32").InputDtype);
        Assert.Equal(ErrorIds.UnknownLayerOption, Fails(() => LayerSpecFactory.Create("m", null, ["Dense(3, input_length=16)"])).ErrorId);
    }

    [Fact]
    public void Keras3FunctionalTransformerImports()
    {
        // Keras 3 model.to_json() of a small functional model (int32 InputLayer, KerasNLP PositionEmbedding and
        // TransformerEncoder, MultiHeadAttention called as mha(x, x, use_causal_mask=True)). By hand: embedding
        // 100·32 = 3,200; positions 16·32 = 512; LayerNorm 64; attention 4·(32·32 + 32) = 4,224; encoder 8,544
        // (see TransformerBlocksUseKerasNlpDefaults); Dense 32·3 + 3 = 99 → 16,643.
        var spec = KerasJsonImporter.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specs", "Fixtures", "keras3_tiny_transformer.json")));
        Assert.Equal("int32", spec.InputDtype);
        var m = ShapeInference.Resolve(spec);
        Assert.Equal(16_643, m.Params);
        var mha = m.Find("causal_attention")!;
        Assert.True(mha.UseCausalMask);
        Assert.Equal(["layer_norm"], mha.InputNames);
        Assert.True(m.Find("transformer_encoder")!.NormalizeFirst);
        Assert.Equal("gelu", m.Find("transformer_encoder")!.Activation);
    }

    [Theory]
    [InlineData("MultiHeadAttention(2, 0)", "key_dim", "key_dim must be a positive integer, not 0")]
    [InlineData("MultiHeadAttention(2, -8)", "key_dim", "not -8")]
    [InlineData("TransformerEncoder(64, 5)", "num_heads", "num_heads 5 does not divide the input width 32")]
    [InlineData("PositionEmbedding(8)", "sequence_length", "the input has 10 positions but sequence_length is 8")]
    [InlineData("Reshape((3, 7))", "target_shape", "has 320 values but target_shape (3, 7) holds 21")]
    public void BadTransformerOptionsNameLayerOptionAndValue(string layer, string option, string words)
    {
        var e = Fails(() => LayerSpecFactory.Create("m", [10, 32], [layer]));
        Assert.Equal(option, e.Option);
        Assert.Equal(0, e.LayerIndex);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public void TokenIdsIntoAConvolutionFailNamingTheLayer()
    {
        var e = Fails(() => Tokens(64, "Conv1D(8, 3)"));
        Assert.Equal(ErrorIds.IncompatibleInputType, e.ErrorId);
        Assert.Equal("conv1d", e.LayerName);
        Assert.Contains("integer token ids", e.Message);
        // Reshaped into an image first, still the integer input: the first reader is named.
        e = Fails(() => LayerSpecFactory.Create("m", [28, 28, 1], ["Conv2D(4, 3)"], inputDtype: "int32"));
        Assert.Equal("conv2d", e.LayerName);
        Assert.Contains("Embedding", e.Message);
    }

    [Fact]
    public void SequenceLongerThanPositionEmbeddingFailsWithItsOwnId()
    {
        var e = Fails(() => Tokens(1025, "Embedding(50257, 768)", "PositionEmbedding(1024)"));
        Assert.Equal(ErrorIds.SequenceTooLong, e.ErrorId);
        Assert.Equal("position_embedding", e.LayerName);
        Assert.Contains("1025 positions but sequence_length is 1024", e.Message);
    }

    [Fact]
    public void EmbeddingTableBeyondALongOfBytesFailsAsCostOverflow()
    {
        // (2^31−1)² ≈ 4.6e18 weights still fit a long, so the spec resolves; its size, 4 bytes each (1.8e19), does not.
        var spec = Tokens(4, "Embedding(2147483647, 2147483647)");
        Assert.Equal(2_147_483_647L * 2_147_483_647L, ShapeInference.Resolve(spec).Params);
        var e = Fails(() => ModelCost.Core.Costing.CostCalculator.Measure(spec));
        Assert.Equal(ErrorIds.CostOverflow, e.ErrorId);
    }

    [Fact]
    public void YamlErrorsPointAtTheOption()
    {
        const string yaml = """
            apiVersion: modelcost/v1
            kind: ModelSpec
            metadata: {name: m}
            spec:
              inputShape: [10, 32]
              layers:
                - {type: MultiHeadAttention, num_heads: 2, key_dim: 0}
            """;
        var e = Fails(() => ModelSpecYaml.Parse(yaml, "m.yaml"));
        Assert.Equal(ErrorIds.InvalidLayerOption, e.ErrorId);
        Assert.Equal((7, 57), (e.Line, e.Column)); // the value of key_dim
        Assert.StartsWith("m.yaml:7:57: Layer 0 'multi_head_attention' (MultiHeadAttention), option 'key_dim'", e.Message);
        var bad = Fails(() => ModelSpecYaml.Parse(yaml.Replace("inputShape: [10, 32]", "inputShape: [10, 32]\n  inputDtype: int8"), "m.yaml"));
        Assert.Contains("spec.inputDtype 'int8' is not known", bad.Message);
    }
}
