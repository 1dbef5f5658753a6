using Google.Protobuf;
using ModelCost.Core.Errors;
using ModelCost.Core.Onnx;
using Onnx;
using Xunit;
using static ModelCost.Core.Tests.Onnx.OnnxModelBuilder;

namespace ModelCost.Core.Tests.Onnx;

/// <summary>Hostile ONNX files: each fails with its own error id, and none makes the reader allocate beyond the file's size.</summary>
public sealed class OnnxHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mc-onnx-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private static ModelCostException Fails(string path) =>
        Assert.Throws<ModelCostException>(() => OnnxImporter.Load(path, new OnnxImportOptions { SkipUnsupported = true }));

    [Fact]
    public void TextFileIsNotOnnx()
    {
        File.WriteAllText(P("notes.onnx"), "these are my notes, not a model\n");
        Assert.Contains(Fails(P("notes.onnx")).ErrorId, new[] { ErrorIds.OnnxInvalid, ErrorIds.OnnxTruncated });
        File.WriteAllBytes(P("empty.onnx"), []);
        Assert.Equal(ErrorIds.OnnxInvalid, Fails(P("empty.onnx")).ErrorId);
    }

    [Fact]
    public void TruncatedFileIsReportedAsTruncated()
    {
        // A Gemm weight of 784·256 floats (803 KB) is skipped, not read: cutting inside it must still be caught.
        var b = new OnnxModelBuilder(17, 1, 784);
        b.Node("Gemm", "fc", ["x", b.Weight("w", 784, 256)], "y");
        b.Output("y", 1, 256);
        var bytes = b.Bytes();
        foreach (var keep in new[] { bytes.Length / 2, bytes.Length - 1, 40 })
        {
            File.WriteAllBytes(P("cut.onnx"), bytes[..keep]);
            var ex = Fails(P("cut.onnx"));
            Assert.Contains(ex.ErrorId, new[] { ErrorIds.OnnxTruncated, ErrorIds.OnnxInvalid });
            if (keep == bytes.Length / 2) Assert.Equal(ErrorIds.OnnxTruncated, ex.ErrorId);
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(22)]
    public void OpsetOutsideElevenToTwentyOneIsRefused(long opset)
    {
        var ex = Fails(SmallCnn(opset).Save(P("opset.onnx")));
        Assert.Equal(ErrorIds.OnnxOpsetUnsupported, ex.ErrorId);
        Assert.Contains($"opset {opset}", ex.Message);
    }

    [Fact]
    public void CycleIsRefusedNamingItsNodes()
    {
        var b = new OnnxModelBuilder(17, 1, 4);
        b.Node("Add", "a", ["x", "d"], "c");
        b.Node("Relu", "b", ["c"], "d");
        b.Output("d", 1, 4);
        var ex = Fails(b.Save(P("cycle.onnx")));
        Assert.Equal(ErrorIds.OnnxGraphInvalid, ex.ErrorId);
        Assert.Contains("cycle", ex.Message);
        Assert.Contains("'a' (Add)", ex.Message);
    }

    [Fact]
    public void TensorThatNothingProducesIsRefused()
    {
        var b = new OnnxModelBuilder(17, 1, 4);
        b.Node("Relu", "r", ["nowhere"], "y");
        b.Output("y", 1, 4);
        var ex = Fails(b.Save(P("dangling.onnx")));
        Assert.Equal(ErrorIds.OnnxGraphInvalid, ex.ErrorId);
        Assert.Contains("'nowhere'", ex.Message);
    }

    /// <summary>
    /// An initializer of 2^29 floats (2 GiB) whose external data file is missing: refused naming the tensor and file,
    /// while the reader allocates far less than the weights (the file itself is a few hundred bytes).
    /// </summary>
    [Fact]
    public void TwoGigabyteExternalWeightsWithTheDataFileMissing()
    {
        var b = new OnnxModelBuilder(17, 1, 16384);
        var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange([16384, 32768]);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        b.Graph.Initializer.Add(t);
        b.Node("MatMul", "mm", ["x", "w"], "y");
        b.Output("y", 1, 32768);
        var path = b.Save(P("big.onnx"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Fails(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ErrorIds.OnnxExternalDataMissing, ex.ErrorId);
        Assert.Contains("'w'", ex.Message);
        Assert.Contains("weights.bin", ex.Message);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for a {new FileInfo(path).Length}-byte file");

        // Present but too short, and a location outside the model's folder.
        File.WriteAllBytes(P("weights.bin"), new byte[1024]);
        Assert.Equal(ErrorIds.OnnxExternalDataMissing, Fails(path).ErrorId);
        t.ExternalData[0].Value = "../../etc/passwd";
        Assert.Equal(ErrorIds.OnnxExternalDataMissing, Fails(b.Save(P("escape.onnx"))).ErrorId);
    }

    /// <summary>A 64 MB weight is counted without being copied: the import allocates a small fraction of the file.</summary>
    [Fact]
    public void LargeInlineWeightsAreCountedNotCopied()
    {
        var b = new OnnxModelBuilder(17, 1, 4096);
        b.Node("Gemm", "fc", ["x", b.Weight("w", 4096, 4096)], "y");
        b.Output("y", 1, 4096);
        var path = b.Save(P("big-inline.onnx"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = OnnxImporter.Load(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(4096L * 4096, r.InitializerParams);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes to import a {new FileInfo(path).Length}-byte file");
    }

    [Fact]
    public void DimsBeyondALongAreRefused()
    {
        var b = new OnnxModelBuilder(17, 1, 4);
        var t = new TensorProto { Name = "w", DataType = 1 };
        t.Dims.AddRange([1L << 40, 1L << 40]);
        b.Graph.Initializer.Add(t);
        b.Node("MatMul", "mm", ["x", "w"], "y");
        Assert.Equal(ErrorIds.OnnxInvalid, Fails(b.Save(P("dims.onnx"))).ErrorId);
    }

    /// <summary>Every truncation and 400 random byte flips of a valid model: a ModelCostException or a spec, nothing else.</summary>
    [Fact]
    public void MutatedFilesFailCleanly()
    {
        var bytes = SmallCnn().Bytes();
        var rng = new Random(3);
        var path = P("mut.onnx");
        for (int i = 0; i < bytes.Length + 400; i++)
        {
            var m = i < bytes.Length ? bytes[..i] : (byte[])bytes.Clone();
            if (i >= bytes.Length)
                for (int k = 0; k < 3; k++) m[rng.Next(m.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(path, m);
            try { OnnxImporter.Load(path, new OnnxImportOptions { SkipUnsupported = (i & 1) == 0 }); }
            catch (ModelCostException) { }
        }
    }
}
