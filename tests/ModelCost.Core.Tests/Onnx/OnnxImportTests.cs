using ModelCost.Core.Costing;
using ModelCost.Core.Errors;
using ModelCost.Core.Onnx;
using ModelCost.Core.Specs;
using Xunit;
using static ModelCost.Core.Tests.Onnx.OnnxModelBuilder;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>ONNX graphs written here with the schema's generated types, mapped onto specs; every figure worked by hand.</summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mc-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private OnnxImportResult Import(OnnxModelBuilder b, bool skip = false, string name = "m.onnx") =>
        OnnxImporter.Load(b.Save(P(name)), new OnnxImportOptions { SkipUnsupported = skip });

    [Fact]
    public void SmallCnnMapsNodeByNodeKeepingNames()
    {
        var r = Import(SmallCnn());
        var s = r.Spec;
        Assert.Equal("m", s.Name);
        Assert.Equal([8, 8, 1], s.InputShape); // [N, 1, 8, 8] channels first → (8, 8, 1)
        Assert.Equal(["conv", "relu", "pool", "flatten", "fc", "softmax"], s.Layers.Select(l => l.Name));
        Assert.Equal([LayerTypes.Conv2D, LayerTypes.Activation, LayerTypes.MaxPooling2D, LayerTypes.Flatten, LayerTypes.Dense, LayerTypes.Activation], s.Layers.Select(l => l.Type));
        Assert.Equal("same", s.Layers[0].Padding); // pads 1 on 8×8 with a 3×3 kernel: output 8 = ceil(8 / 1)
        // Conv 4·(1·9) + 4 = 40; Gemm 64·10 + 10 = 650 (flatten of 4×4×4 = 64).
        var m = ShapeInference.Resolve(s);
        Assert.Equal([40L, 0, 0, 0, 650, 0], m.Layers.Select(l => l.Params));
        Assert.Equal(690, r.InitializerParams);
        Assert.Equal(17, r.Opset);
        // MACs: conv 8·8·4 outputs × 9 = 2,304; dense 64·10 = 640.
        var c = CostCalculator.Measure(s, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(2_304 + 640, c.Total.InferenceMacs);
    }

    [Fact]
    public void AsymmetricPadsBecomeZeroPadding()
    {
        // 8×8, kernel 3, stride 2, pads (top 0, left 0, bottom 2, right 1): output floor((8 + 2 - 3) / 2) + 1 = 4 rows,
        // floor((8 + 1 - 3) / 2) + 1 = 4 cols — 'same' would give 4 too, so same it is; pads (2, 2, 2, 2) give 5: ZeroPadding2D.
        var b = new OnnxModelBuilder(13, 1, 1, 8, 8);
        b.Node("Conv", "conv", ["x", b.Weight("w", 2, 1, 3, 3)], "y", IntList("pads", 2, 2, 2, 2), IntList("strides", 2, 2));
        b.Output("y", 1, 2, 5, 5);
        var s = Import(b).Spec;
        Assert.Equal([LayerTypes.ZeroPadding2D, LayerTypes.Conv2D], s.Layers.Select(l => l.Type));
        Assert.Equal("conv_pad", s.Layers[0].Name);
        Assert.Equal([5, 5, 2], ShapeInference.Resolve(s).OutputShape);
    }

    [Fact]
    public void MatMulWithBiasAddIsOneDenseAndEmbeddedShapeArithmeticFolds()
    {
        // x [N, 6, 16] → Reshape via Shape/Gather/Concat to [N, 96] → MatMul 96×8 → Add bias → Relu.
        var b = new OnnxModelBuilder(14, 1, 6, 16);
        b.Node("Shape", "shape", ["x"], "sh");
        b.Node("Gather", "gather", ["sh", b.Ints("zero", 0)], "n", Int("axis", 0));
        b.Node("Concat", "cat", ["n", b.Ints("minus1", -1)], "target", Int("axis", 0));
        b.Node("Reshape", "flat", ["x", "target"], "f");
        b.Node("MatMul", "mm", ["f", b.Weight("w", 96, 8)], "h");
        b.Node("Add", "bias", ["h", b.Weight("bb", 8)], "hb");
        b.Node("Relu", "act", ["hb"], "y");
        b.Output("y", 1, 8);
        var s = Import(b).Spec;
        Assert.Equal(["flat", "mm", "act"], s.Layers.Select(l => l.Name));
        Assert.Equal(LayerTypes.Dense, s.Layers[1].Type);
        Assert.True(s.Layers[1].UseBias);
        Assert.Equal(96 * 8 + 8, ShapeInference.Resolve(s).Params);
    }

    [Fact]
    public void ErfGeluAndDropoutAndBatchNormMap()
    {
        // x [N, 10] → BatchNormalization (4·10: γ, β trainable; mean, var not) → GELU in erf form → Dropout 0.1.
        var b = new OnnxModelBuilder(13, 1, 10);
        b.Node("BatchNormalization", "bn", ["x", b.Weight("g", 10), b.Weight("be", 10), b.Weight("mu", 10), b.Weight("var", 10)], "n", Float("epsilon", 1e-5f));
        b.Node("Div", "div", ["n", b.Scalar("sqrt2", MathF.Sqrt(2))], "d");
        b.Node("Erf", "erf", ["d"], "e");
        b.Node("Add", "add1", ["e", b.Scalar("one", 1)], "e1");
        b.Node("Mul", "mul", ["n", "e1"], "m");
        b.Node("Mul", "gelu", ["m", b.Scalar("half", 0.5f)], "g1");
        b.Node("Dropout", "drop", ["g1", b.Scalar("ratio", 0.1f)], "y");
        b.Output("y", 1, 10);
        var s = Import(b).Spec;
        Assert.Equal(["bn", "gelu", "drop"], s.Layers.Select(l => l.Name));
        Assert.Equal("gelu", s.Layers[1].Activation);
        Assert.Equal(1e-5, s.Layers[0].Epsilon);
        Assert.Equal(0.1, s.Layers[2].Rate);
        var m = ShapeInference.Resolve(s);
        Assert.Equal(20, m.TrainableParams);
        Assert.Equal(20, m.NonTrainableParams);
    }

    [Fact]
    public void GruWithLinearBeforeResetIsKerasGruResetAfter()
    {
        // torch-style GRU over [T=5, N, F=3] with H=4: W 3·4·3 = 36, R 3·4·4 = 48, B 6·4 = 24 → 108 = Keras GRU(4, reset_after=True) on (5, 3).
        var b = new OnnxModelBuilder(14);
        b.Graph.Input.Add(Info("x", [1, 5, 3]));
        b.Node("Transpose", "tm", ["x"], "xt", IntList("perm", 1, 0, 2));
        b.Node("GRU", "gru", ["xt", b.Weight("W", 1, 12, 3), b.Weight("R", 1, 12, 4), b.Weight("B", 1, 24)], "Y", Int("hidden_size", 4), Int("linear_before_reset", 1));
        b.Graph.Node[^1].Output.Add("Y_h");
        b.Node("Squeeze", "sq", ["Y_h", b.Ints("ax0", 0)], "h");
        b.Node("Gemm", "fc", ["h", b.Weight("fw", 2, 4)], "y", Int("transB", 1));
        b.Output("y", 1, 2);
        b.Graph.Node[1].Output[0] = ""; // Y unused
        var s = Import(b).Spec;
        Assert.Equal(["gru", "fc"], s.Layers.Select(l => l.Name));
        Assert.Equal(false, s.Layers[0].ReturnSequences);
        Assert.Equal(true, s.Layers[0].ResetAfter);
        Assert.Equal(108 + 8, ShapeInference.Resolve(s).Params);
    }

    [Fact]
    public void LstmWithOnnxBiasesIsKerasLstmWithRecurrentBias()
    {
        // ONNX LSTM over [T=5, N, F=3], H=4: W 4·4·3 = 48, R 4·4·4 = 64, B 8·4 = 32 (input and recurrent bias) → 144,
        // = Keras LSTM(4) on (5, 3) with a second bias vector: 4·(3·4 + 4·4 + 2·4) = 144. Y read: return_sequences.
        var b = new OnnxModelBuilder(14);
        b.Graph.Input.Add(Info("x", [1, 5, 3]));
        b.Node("Transpose", "tm", ["x"], "xt", IntList("perm", 1, 0, 2));
        b.Node("LSTM", "lstm", ["xt", b.Weight("W", 1, 16, 3), b.Weight("R", 1, 16, 4), b.Weight("B", 1, 32)], "Y", Int("hidden_size", 4));
        b.Node("Squeeze", "sq", ["Y", b.Ints("ax1", 1)], "ys");
        b.Node("Transpose", "bm", ["ys"], "yb", IntList("perm", 1, 0, 2));
        b.Output("yb", 1, 5, 4);
        var s = Import(b).Spec;
        var lstm = Assert.Single(s.Layers);
        Assert.Equal(true, lstm.RecurrentBias);
        Assert.Equal(true, lstm.ReturnSequences);
        var m = ShapeInference.Resolve(s);
        Assert.Equal(144, m.Params);
        Assert.Equal([5, 4], m.OutputShape);
        Assert.Equal(s, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(s), "roundtrip"));
    }

    [Fact]
    public void UnsupportedOperatorNamesTheNodeOrIsSkipped()
    {
        var b = new OnnxModelBuilder(17, 1, 10);
        b.Node("Gemm", "fc1", ["x", b.Weight("w1", 10, 10)], "h");
        b.Node("Hardmax", "odd", ["h"], "o");
        b.Node("Gemm", "fc2", ["o", b.Weight("w2", 10, 3)], "y");
        b.Output("y", 1, 3);
        var ex = Assert.Throws<ModelCostException>(() => Import(b));
        Assert.Equal(ErrorIds.OnnxOperatorUnsupported, ex.ErrorId);
        Assert.Contains("'odd' (Hardmax)", ex.Message);
        Assert.Equal("odd", ex.LayerName);

        // Hardmax keeps its input's shape (declared in value_info): its reader goes on; the skip is listed.
        b.Graph.ValueInfo.Add(Info("o", [1, 10]));
        var r = Import(b, skip: true, name: "m2.onnx");
        Assert.Equal(["fc1", "fc2"], r.Spec.Layers.Select(l => l.Name));
        Assert.Equal("odd", Assert.Single(r.Skipped).Node);
        Assert.Contains("Skipped 1 node(s)", r.Spec.Description);
        Assert.Equal(100 + 30, ShapeInference.Resolve(r.Spec).Params);
    }

    [Fact]
    public void SkippedNodeOfUnknownShapeSkipsItsReaders()
    {
        var b = new OnnxModelBuilder(17, 1, 10);
        b.Node("Gemm", "fc1", ["x", b.Weight("w1", 10, 10)], "h");
        b.Node("TopK", "odd", ["h", b.Ints("k", 3)], "o");
        b.Node("Gemm", "fc2", ["o", b.Weight("w2", 3, 3)], "y");
        b.Output("y", 1, 3);
        var r = Import(b, skip: true);
        Assert.Equal(["fc1"], r.Spec.Layers.Select(l => l.Name));
        Assert.Equal(["odd", "fc2"], r.Skipped.Select(x => x.Node));
        Assert.Contains("skipped node 'odd'", r.Skipped[1].Reason);
    }

    [Fact]
    public void ProductOfComputedTensorsIsMatMulAndATransposeOfTheDataIsPermute()
    {
        // x [N, 6, 8]: q = x·Wq, k = x·Wk (8×8 each), kᵀ = Transpose(k, [0, 2, 1]) → [N, 8, 6], s = q·kᵀ [N, 6, 6], softmax.
        // MACs: projections 2·6·8·8 = 768; scores 6·6·8 = 288. Backward of the product (Flops convention ×2 per MAC).
        var b = new OnnxModelBuilder(17, 1, 6, 8);
        b.Node("MatMul", "q", ["x", b.Weight("wq", 8, 8)], "qo");
        b.Node("MatMul", "k", ["x", b.Weight("wk", 8, 8)], "ko");
        b.Node("Transpose", "kt", ["ko"], "kto", IntList("perm", 0, 2, 1));
        b.Node("MatMul", "scores", ["qo", "kto"], "s");
        b.Node("Softmax", "probs", ["s"], "p", Int("axis", -1));
        b.Output("p", 1, 6, 6);
        var s = Import(b).Spec;
        Assert.Equal([LayerTypes.Dense, LayerTypes.Dense, LayerTypes.Permute, LayerTypes.MatMul, LayerTypes.Activation], s.Layers.Select(l => l.Type));
        Assert.Equal(["q", "kt"], s.Layers[3].Inputs!);
        var m = ShapeInference.Resolve(s);
        Assert.Equal([8, 6], m.Layers[2].OutputShape);
        Assert.Equal([6, 6], m.OutputShape);
        var c = CostCalculator.Measure(s, new CostOptions { Convention = CostConvention.Macs });
        Assert.Equal(768 + 288, c.Total.InferenceMacs);
        Assert.Equal(s, ModelSpecYaml.Parse(ModelSpecYaml.Serialize(s), "roundtrip"));
    }

    [Fact]
    public void ModelSpecReaderReadsOnnxByExtension()
    {
        var path = SmallCnn().Save(P("cnn.ONNX"));
        Assert.Equal(6, ModelSpecReader.Load(path).Layers.Count);
    }
}
