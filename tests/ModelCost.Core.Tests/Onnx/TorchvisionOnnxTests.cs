using ModelCost.Core.Costing;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>
/// Exports the four torchvision models to ONNX once (tests/peer/export_torchvision_onnx.py, Debian torch 1.13,
/// BatchNormalization kept as nodes) and the two small recurrent classifiers, for <see cref="TorchvisionOnnxTests"/>;
/// deletes the files afterwards.
/// </summary>
public sealed class TorchvisionOnnxFiles : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "modelcost-onnx-tv-" + Environment.ProcessId);
    private bool _exported;

    public string Get(string model)
    {
        lock (this)
        {
            if (!_exported)
            {
                OnnxPeer.RunPython("tests/peer/export_torchvision_onnx.py", Folder);
                _exported = true;
            }
        }
        return Path.Combine(Folder, model + ".onnx");
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// ONNX files no one here wrote, checked against torchvision's own figures:
///   parameters: sum(p.numel() for p in model.parameters()) — printed by the export script and by
///     tests/peer/torchvision_macs.py: ResNet-18 11,689,512; ResNet-50 25,557,032; VGG-16 138,357,544; MobileNetV2 3,504,872.
///     torch counts BN weight and bias only (running mean/var are buffers): our TrainableParams. The BN statistics are
///     the NonTrainableParams, 2 per BN channel (ResNet-18: 9,600 = 2 × 4,800 BN channels, as in examples/specs/resnet18.yaml).
///   conv + linear MACs: forward hooks (Conv2d out.numel()·Cin/groups·kh·kw; Linear out.numel()·in_features), from
///     OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=Haswell /usr/bin/python3 tests/peer/torchvision_macs.py (torch 1.13.0a0):
///     resnet18 conv 1813561344 linear 512000; resnet50 conv 4087136256 linear 2048000;
///     vgg16 conv 15346630656 linear 123633664; mobilenet_v2 conv 299494272 linear 1280000.
/// </summary>
public class TorchvisionOnnxTests(TorchvisionOnnxFiles files) : IClassFixture<TorchvisionOnnxFiles>
{
    public static TheoryData<string, long, long, long, long> Models => new()
    {
        { "resnet18", 11_689_512, 9_600, 1_813_561_344, 512_000 },
        { "resnet50", 25_557_032, 53_120, 4_087_136_256, 2_048_000 },
        { "vgg16", 138_357_544, 0, 15_346_630_656, 123_633_664 },
        // MobileNetV2 BN channels by hand from torchvision's block table (t, c, n): stem 32; the t=1 block 32 + 16;
        // each t=6 block 6·cin (expand) + 6·cin (depthwise) + cout: 528 (c=24) + 1152 (32) + 2944 (64) + 3360 (96)
        // + 5472 (160) + 2240 (320); last conv 1280. Total 17,056 channels → 34,112 running statistics.
        { "mobilenet_v2", 3_504_872, 34_112, 299_494_272, 1_280_000 },
    };

    [TorchPeerTheory]
    [MemberData(nameof(Models))]
    public void ImportedOnnxGivesTorchvisionParamsAndMacs(string model, long trainable, long bnStatistics, long convMacs, long linearMacs)
    {
        var spec = ModelSpecReader.Load(files.Get(model));
        var r = CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(trainable, r.Total.TrainableParams);
        Assert.Equal(bnStatistics, r.Total.Params - r.Total.TrainableParams);
        Assert.Equal(convMacs, r.Layers.Where(l => l.Type is LayerTypes.Conv2D or LayerTypes.DepthwiseConv2D).Sum(l => l.Macs));
        Assert.Equal(linearMacs, r.Layers.Where(l => l.Type == LayerTypes.Dense).Sum(l => l.Macs));
        Assert.Equal(convMacs + linearMacs, r.Total.InferenceMacs);
        Assert.Equal([224, 224, 3], spec.InputShape);
    }

    /// <summary>
    /// torch nn.LSTM / nn.GRU (28 features → 64 units, batch_first, 28 steps) + Linear(64, 10) on h_n[-1], exported by the
    /// same script. torch's sum(p.numel()), printed by it: LSTM 24,714 = 4·64·(28 + 64) weights + 2·4·64 biases (b_ih and
    /// b_hh) + 650; GRU 18,698 = 3·64·92 + 2·3·64 + 650. MACs per step gates·units·(features + units), 28 steps:
    /// LSTM 28·4·64·92 = 659,456, GRU 28·3·64·92 = 494,592; Linear 64·10 = 640.
    /// </summary>
    [TorchPeerTheory]
    [InlineData("lstm_classifier", LayerTypes.LSTM, 24_714, 659_456)]
    [InlineData("gru_classifier", LayerTypes.GRU, 18_698, 494_592)]
    public void TorchRecurrentExportsGiveTorchsCounts(string model, string type, long torchParams, long recurrentMacs)
    {
        var spec = ModelSpecReader.Load(files.Get(model));
        Assert.Equal([type, LayerTypes.Dense], spec.Layers.Select(l => l.Type));
        Assert.Equal([28, 28], spec.InputShape);
        var r = CostCalculator.Measure(spec, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(torchParams, r.Total.Params);
        Assert.Equal(recurrentMacs + 640, r.Total.InferenceMacs);
        Assert.Equal(spec, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec), "roundtrip"));
    }

    /// <summary>
    /// One head of self-attention written out in torch (tests/peer/export_torchvision_onnx.py AttentionClassifier, 16
    /// positions of width 32): torch's sum(p.numel()) = 4·(32·32 + 32) + (32·10 + 10) = 4,554. MACs by hand: q, k, v and
    /// output projections 4·16·32·32 = 65,536; scores q·kᵀ 16·16·32 = 8,192; p·v 16·32·16 = 8,192; fc 32·10 = 320;
    /// total 82,240. The scaling by 1/√32 is a Div by a constant: skipped and listed, costing nothing.
    /// </summary>
    [TorchPeerFact]
    public void WrittenOutAttentionImportsWithExactMacs()
    {
        var path = files.Get("attention_classifier");
        var ex = Assert.Throws<Errors.ModelCostException>(() => OnnxImporter.Load(path));
        Assert.Equal(Errors.ErrorIds.OnnxOperatorUnsupported, ex.ErrorId);
        var r = OnnxImporter.Load(path, new OnnxImportOptions { SkipUnsupported = true });
        Assert.Equal("/Div", Assert.Single(r.Skipped).Node);
        var c = CostCalculator.Measure(r.Spec, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(4_554, c.Total.Params);
        Assert.Equal(82_240, c.Total.InferenceMacs);
        Assert.Equal(8_192 + 8_192, c.Layers.Where(l => l.Type == LayerTypes.MatMul).Sum(l => l.Macs));
        Assert.Contains(r.Spec.Layers, l => l.Type == LayerTypes.Permute && l.Dims!.SequenceEqual([2, 1]));
        Assert.Contains(r.Spec.Layers, l => l.Type == LayerTypes.Activation && l.Activation == "gelu");
        Assert.Contains(r.Spec.Layers, l => l.Type == LayerTypes.GlobalAveragePooling1D);
    }

    /// <summary>
    /// A pre-LN transformer written in torch (export script's TinyTransformer: 16 token ids, vocabulary 100, width 32,
    /// 4 heads of 8, MLP 128). torch's sum(p.numel()) = 16,746, by hand: token table 100·32 = 3,200; positions 16·32 = 512;
    /// two LayerNorms 2·64; q, k, v, o 4·(32·32 + 32) = 4,224; MLP 32·128 + 128 + 128·32 + 32 = 8,352; fc 330.
    /// MACs: projections 4·16·32·32 = 65,536; Q·Kᵀ 4·16·16·8 = 8,192; P·V 8,192; MLP 2·16·32·128 = 131,072; fc 320;
    /// total 213,312. Only the 1/√8 Div is skipped.
    /// </summary>
    [TorchPeerFact]
    public void TorchTransformerImportsOntoTransformerLayers()
    {
        var r = OnnxImporter.Load(files.Get("tiny_transformer"), new OnnxImportOptions { SkipUnsupported = true });
        Assert.Equal("/Div", Assert.Single(r.Skipped).Node);
        var s = r.Spec;
        Assert.Equal(InputDtypes.Int32, s.InputDtype);
        Assert.Equal([16], s.InputShape);
        var types = s.Layers.Select(l => l.Type).ToList();
        Assert.Equal([LayerTypes.Embedding, LayerTypes.PositionEmbedding, LayerTypes.LayerNormalization], types.Take(3));
        Assert.Equal(2, types.Count(t => t == LayerTypes.LayerNormalization));
        Assert.Equal(2, types.Count(t => t == LayerTypes.MatMul));
        Assert.Contains(LayerTypes.Reshape, types);
        Assert.Contains(LayerTypes.Cropping1D, types); // x[:, 0]
        var c = CostCalculator.Measure(s, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(16_746, c.Total.Params);
        Assert.Equal(213_312, c.Total.InferenceMacs);
        Assert.Equal(2 * 8_192, c.Layers.Where(l => l.Type == LayerTypes.MatMul).Sum(l => l.Macs));
        Assert.Equal(s, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(s), "roundtrip"));
    }

    [TorchPeerFact]
    public void LayersKeepTheOnnxNodeNames()
    {
        var result = OnnxImporter.Load(files.Get("resnet18"));
        var names = result.Spec.Layers.Select(l => l.Name).ToList();
        // torch 1.13 names nodes after the module path: /conv1/Conv, /layer1/layer1.0/conv1/Conv, /fc/Gemm.
        Assert.Equal("/conv1/Conv", names[0]);
        Assert.Contains("/layer4/layer4.1/bn2/BatchNormalization", names);
        Assert.Equal("/fc/Gemm", names[^1]);
        Assert.Equal(11, result.Opset);
        Assert.Empty(result.Skipped);
        // Every residual Add reads two named layers.
        Assert.All(result.Spec.Layers.Where(l => l.Type == LayerTypes.Add), l => Assert.Equal(2, l.Inputs!.Length));
    }
}
