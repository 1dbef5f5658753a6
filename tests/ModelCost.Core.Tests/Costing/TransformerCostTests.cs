using System.Diagnostics;
using System.Text.Json;
using ModelCost.Core.Costing;
using ModelCost.Core.Specs;
using ModelCost.Core.Tests.Specs;
using Xunit;
using Xunit.Abstractions;

namespace ModelCost.Core.Tests.Costing;

/// <summary>
/// Attention, LayerNorm and transformer-block costs under every convention, each figure worked by hand, and the
/// Flops convention against PyTorch 1.13's profiler on equivalent torch.nn models (tests/peer/flops_transformer.py).
/// </summary>
public class TransformerCostTests(ITestOutputHelper output)
{
    private static ModelSpec Spec(int[] input, params object[] layers) => LayerSpecFactory.Create("m", input, layers);

    // MultiHeadAttention(2, 3, use_causal_mask=True) on (4, 6): L = 4, d = 6, H = 2, key_dim = value_dim = 3.
    //   projections (BatchMatMulMac) q, k, v, output: 4 · 4·6·6 = 576; biases (BiasAdd) 4 · 4·6 = 96;
    //   query scale 4·6 = 24; scores H·L·L = 32 → Q·Kᵀ 32·3 = 96 MACs, P·V 32·3 = 96 MACs; mask 32; softmax 32.
    [Theory]
    [InlineData("Macs", 768)]            // 576 + 96 + 96
    [InlineData("Flops", 1_536)]         // 2·768
    [InlineData("FlopsWithBias", 1_632)] // 1,536 + 96 biases
    [InlineData("TfProfiler", 312)]      // products 0 (BatchMatMul/Einsum unregistered) + 96 bias + 24 scale + 32 mask + 5·32 softmax
    [InlineData("Course", 1_824)]        // 2·768 + 96 + 6·32 softmax
    public void AttentionUnderEveryConvention(string convention, long flops)
    {
        var r = CostCalculator.Measure(Spec([4, 6], "MultiHeadAttention(2, 3, use_causal_mask=True)"), new CostOptions { Convention = CostConvention.Resolve(convention) });
        Assert.Equal(flops, r.Total.InferenceFlops);
        Assert.Equal(768, r.Total.InferenceMacs);
    }

    [Fact]
    public void UserConventionWeighsTheNewKinds()
    {
        // base Flops 1,536 + AttentionSoftmax 3·32 + LayerNormElement 1·24 + LayerNormRow 2·4 → 1,536 + 96 + 24 + 8 = 1,664.
        var c = CostConvention.Parse("name: Mine\nbase: Flops\ncosts:\n  AttentionSoftmax: 3\n  LayerNormElement: 1\n  LayerNormRow: 2\n");
        var r = CostCalculator.Measure(Spec([4, 6], "MultiHeadAttention(2, 3)", "LayerNormalization()"), new CostOptions { Convention = c });
        Assert.Equal(1_664, r.Total.InferenceFlops);
    }

    [Fact]
    public void LayerNormUnderTfProfilerAndTraining()
    {
        // LayerNormalization on (4, 6): 24 elements, 4 rows. TfProfiler 9·24 + 4·4 = 232; Flops 0.
        // Backward (first layer: γ/β pass only) under TfProfiler: 9·24 + 4·4 = 232.
        var r = CostCalculator.Measure(Spec([4, 6], "LayerNormalization()"), new CostOptions { Convention = CostConvention.TfProfiler });
        Assert.Equal(232, r.Total.InferenceFlops);
        Assert.Equal(232, r.Layers[0].BackwardFlops);
        Assert.Equal(0, CostCalculator.Measure(Spec([4, 6], "LayerNormalization()")).Total.InferenceFlops);
    }

    [Fact]
    public void AttentionBackwardAndActivationMemory()
    {
        // First layer (no input gradient), Flops: projection weight gradients 576 MACs, the output projection's input
        // gradient 144, scores dQ and dK 2·96, weighted sum dP and dV 2·96 → 576 + 144 + 384 = 1,104 MACs = 2,208.
        // Activation memory at batch 8, float32: output 24 + q, k, v 3·24 + probabilities 2·4·4 = 32 + context 24
        // = 152 elements per sample; plus the model input 24 → (24 + 152)·8·4 = 5,632 bytes.
        var r = CostCalculator.Measure(Spec([4, 6], "MultiHeadAttention(2, 3)"), new CostOptions { BatchSize = 8 });
        Assert.Equal(2_208, r.Layers[0].BackwardFlops);
        Assert.Equal(152L * 8 * 4, r.Layers[0].ActivationBytes);
        Assert.Equal(5_632, r.Total.ActivationBytes);
    }

    [Fact]
    public void Gpt2SmallAt1024TokensByHand()
    {
        // Per block, L = 1024, d = 768, I = 3072, H = 12, key_dim 64:
        //   projections 4·L·d² = 2,415,919,104; feed-forward 2·L·d·I = 4,831,838,208; Q·Kᵀ H·L²·64 = 805,306,368;
        //   P·V 805,306,368 → 8,858,370,048 MACs; 12 blocks 106,300,440,576 MACs (embeddings are lookups: 0).
        var r = CostCalculator.Measure(ExampleSpecsTests.Load("gpt2_small.yaml"));
        Assert.Equal(106_300_440_576, r.Total.InferenceMacs);
        Assert.Equal(212_600_881_152, r.Total.InferenceFlops);
        Assert.Equal(2 * 8_858_370_048L, r.Layers.Single(l => l.Name == "transformer_layer_3").Flops);
        // FlopsWithBias adds one per biased output: per block q, k, v, output 4·L·d = 3,145,728 and the feed-forward
        // L·I + L·d = 3,932,160 → 7,077,888; 12 blocks 84,934,656.
        var withBias = CostCalculator.Measure(ExampleSpecsTests.Load("gpt2_small.yaml"), new CostOptions { Convention = CostConvention.FlopsWithBias });
        Assert.Equal(212_600_881_152 + 84_934_656, withBias.Total.InferenceFlops);

        // Kaplan et al. (2020): C_forward ≈ 2N + 2·n_layer·n_ctx·d_attn per token, N = 2·d·n_layer·(2·d_attn + d_ff)
        // = 84,934,656 (no biases, LayerNorms or embeddings) → 169,869,312 + 2·12·1024·768 = 188,743,680 per token.
        // Ours per token: 212,600,881,152 / 1024 = 207,618,048. The difference, 18,874,368 = 2·n_layer·n_ctx·d_attn,
        // is P·V: Kaplan's table counts Q·Kᵀ ("Attention: Mask") but not the weighted sum of values.
        long kaplanN = 2L * 768 * 12 * (2 * 768 + 3072);
        long kaplan = 2 * kaplanN + 2L * 12 * 1024 * 768;
        Assert.Equal(188_743_680, kaplan);
        Assert.Equal(207_618_048, r.Total.InferenceFlops / 1024);
        Assert.Equal(2L * 12 * 1024 * 768, r.Total.InferenceFlops / 1024 - kaplan);
    }

    [Fact]
    public void Gpt2TrainingMemoryHoldsTheAttentionScores()
    {
        // One decoder block at batch 8, float32, per sample: output L·d = 786,432; two LayerNorms' mean and 1/σ 4·1024;
        // attention q, k, v 3·786,432; probabilities 12·1024² = 12,582,912, twice with dropout 0.1 (the dropped copy);
        // context 786,432; block tensors 5·L·d = 3,932,160, hidden 2·L·3072 = 6,291,456, dropout results 2·L·d = 1,572,864.
        long perSample = 786_432 + 4 * 1024 + 3 * 786_432 + 2 * 12_582_912 + 786_432 + 3_932_160 + 6_291_456 + 1_572_864;
        Assert.Equal(40_898_560, perSample);
        var r = CostCalculator.Measure(ExampleSpecsTests.Load("gpt2_small.yaml"), new CostOptions { BatchSize = 8 });
        Assert.Equal(perSample * 8 * 4, r.Layers.Single(l => l.Name == "transformer_layer_0").ActivationBytes);
        // The batch × heads × L × L score tensors alone: 12 blocks · 8 · 12 · 1024² · 2 copies · 4 bytes ≈ 9.7 GB.
        Assert.True(r.Total.ActivationBytes > 12L * 8 * 12 * 1024 * 1024 * 2 * 4);
    }

    [TorchPeerFact]
    public void FlopsEqualPyTorchProfilerOnEquivalentModels()
    {
        // OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/flops_transformer.py printed (torch 1.13.0a0):
        //   TinyGpt   params 20,864       aten::addmm 524,288          aten::bmm 65,536          aten::add 2,560      aten::mul 1,024
        //   TinyBert  params 21,984       aten::addmm 395,264          aten::bmm 36,864          aten::add 2,304      aten::mul 768
        //   GPT2Small params 124,439,808  aten::addmm 173,946,175,488  aten::bmm 38,654,705,664  aten::add 19,660,800 aten::mul 9,437,184
        //   BertBase  params 109,482,240  aten::addmm 86,974,267,392   aten::bmm 9,663,676,416   aten::add 10,223,616 aten::mul 4,718,592
        // Flops (2 per MAC of every product) equals addmm + bmm; the profiler also counts out-of-place adds and
        // multiplies at 1 per element — the residual and embedding adds (AddElement) and the query scaling
        // (AttentionScale) — so a user convention "base: Flops" with those two kinds at 1 equals its total.
        var script = PeerConditions.RepoFile("tests/peer/flops_transformer.py")!;
        var psi = new ProcessStartInfo(PeerConditions.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        psi.Environment["OPENBLAS_CORETYPE"] = "Haswell";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(600_000), "the PyTorch peer did not finish in 10 minutes");
        Assert.True(p.ExitCode == 0, "python peer failed: " + stderr.Result);
        output.WriteLine(stdout.Result);
        using var doc = JsonDocument.Parse(stdout.Result);
        var profilerLike = CostConvention.Parse("name: ProfilerTotal\nbase: Flops\ncosts:\n  AddElement: 1\n  AttentionScale: 1\n");
        var specs = new Dictionary<string, ModelSpec>
        {
            ["TinyGpt"] = TinyGpt(), ["TinyBert"] = TinyBert(),
            ["GPT2Small"] = ExampleSpecsTests.Load("gpt2_small.yaml"), ["BertBase"] = ExampleSpecsTests.Load("bert_base.yaml"),
        };
        foreach (var m in doc.RootElement.GetProperty("models").EnumerateArray())
        {
            var name = m.GetProperty("model").GetString()!;
            var ops = m.GetProperty("per_op").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetInt64());
            long Op(string k) => ops.TryGetValue(k, out var v) ? v : 0;
            var ours = CostCalculator.Measure(specs[name]);
            Assert.Equal(m.GetProperty("params").GetInt64(), ours.Total.Params);
            Assert.Equal(Op("aten::addmm") + Op("aten::mm") + Op("aten::bmm"), ours.Total.InferenceFlops);
            Assert.Equal(m.GetProperty("flops").GetInt64(), CostCalculator.Measure(specs[name], new CostOptions { Convention = profilerLike }).Total.InferenceFlops);
        }
    }

    /// <summary>tests/peer/flops_transformer.py's TinyGpt: vocabulary 100, 16 positions, width 32, 4 heads, feed-forward 64, 2 pre-LN decoder blocks.</summary>
    internal static ModelSpec TinyGpt() => LayerSpecFactory.Create("TinyGpt", [16],
    [
        "Embedding(100, 32)", "PositionEmbedding(16)", "Add(inputs=['embedding', 'position_embedding'])",
        "TransformerDecoder(64, 4, activation='gelu', normalize_first=True)", "TransformerDecoder(64, 4, activation='gelu', normalize_first=True)",
        "LayerNormalization(epsilon=1e-5)",
    ], inputDtype: "int32");

    /// <summary>tests/peer/flops_transformer.py's TinyBert on 12 of its 16 positions: segment table, embedding LayerNorm, 2 post-LN encoders, tanh pooler.</summary>
    internal static ModelSpec TinyBert() => LayerSpecFactory.Create("TinyBert", [12],
    [
        "Embedding(100, 32)", "PositionEmbedding(16)", "Embedding(2, 32, constant_id=0, inputs=['input'])",
        "Add(inputs=['embedding', 'position_embedding', 'embedding_1'])", "LayerNormalization(epsilon=1e-12)",
        "TransformerEncoder(64, 4, activation='gelu', layer_norm_epsilon=1e-12)", "TransformerEncoder(64, 4, activation='gelu', layer_norm_epsilon=1e-12)",
        "Cropping1D((0, 11))", "Flatten()", "Dense(32, activation='tanh')",
    ], inputDtype: "int32");
}
