using System.IO.Compression;
using System.Text;
using ModelCost.Core.Costing;
using ModelCost.Core.Data;
using ModelCost.Core.Engine;
using ModelCost.Core.Engines;
using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using ModelCost.Core.Models;
using ModelCost.Core.Onnx;
using Google.Protobuf;
using Onnx;
using ModelCost.Core.Reporting;
using ModelCost.Core.Specs;
using ModelCost.PS.Infrastructure;

namespace ModelCost.Tools.ErrorCatalog;

/// <summary>
/// docs/errors.md: every hostile case of issue 7 (and the other errors users meet) run through the core,
/// with the error id, category and message users see and the recommendation the cmdlet adds.
/// </summary>
public static class ErrorCatalogDocument
{
    /// <summary>The whole document, as committed.</summary>
    public static string Generate()
    {
        // Every hostile case of issue 7 (and the other errors users meet), run through the core. The
        // cmdlets turn each ModelCostException into an ErrorRecord whose FullyQualifiedErrorId is
        // "<ErrorId>,ModelCost.PS.Commands.<Cmdlet>Command" with the category shown.
        var dir = Path.Combine(Path.GetTempPath(), "modelcost-errors-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string P(string name) => Path.Combine(dir, name);
        string W(string name, string text) { File.WriteAllText(P(name), text); return P(name); }
        string B(string name, byte[] bytes) { File.WriteAllBytes(P(name), bytes); return P(name); }
        byte[] Idx(int magic, params int[] header) => header.Prepend(magic).SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();
        ModelSpec Spec(string name, int[] shape, params object[] layers) => LayerSpecFactory.Create(name, shape, layers);
        // A run that stops early is a result with a status; the cmdlet writes the error it stands for.
        void Train(ModelSpec spec, TrainingData data, TrainingOptions options)
        {
            if (new ManagedEngine().Train(spec, data, options).ToException() is { } stopped) throw stopped;
        }
        const string Envelope = "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\n";

        var cases = new List<(string Area, string Case, string Cmdlet, Action Run)>
        {
            ("Specs", "YAML syntax error (unclosed flow mapping)", "Import-ModelSpec", () => ModelSpecReader.Load(W("syntax.yaml", "apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: broken\nspec:\n"))),
            ("Specs", "YAML value of the wrong type", "Import-ModelSpec", () => ModelSpecReader.Load(W("types.yaml", Envelope + "spec: {inputShape: [28, abc], layers: [Dense(2)]}\n"))),
            ("Specs", "Unknown key in the YAML envelope", "Import-ModelSpec", () => ModelSpecReader.Load(W("keys.yaml", Envelope + "spec: {inputShape: [4], layers: [Dense(2)], extra: 1}\n"))),
            ("Specs", "Duplicate YAML key", "Import-ModelSpec", () => ModelSpecReader.Load(W("dup.yaml", Envelope + "spec: {inputShape: [4], inputShape: [5], layers: [Dense(2)]}\n"))),
            ("Specs", "YAML anchors/aliases used as a size bomb", "Import-ModelSpec", () => ModelSpecReader.Load(W("bomb.yaml", Envelope +
                "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
                "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
                "spec: {inputShape: [4], layers: [Dense(2)]}\n"))),
            ("Specs", "Unknown apiVersion", "Import-ModelSpec", () => ModelSpecReader.Load(W("api.yaml", "apiVersion: modelcost/v9\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [Dense(2)]}\n"))),
            ("Specs", "Unknown kind", "Import-ModelSpec", () => ModelSpecReader.Load(W("kind.yaml", "apiVersion: modelcost/v1\nkind: Pod\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [Dense(2)]}\n"))),
            ("Specs", "Neither YAML spec nor Keras JSON", "Import-ModelSpec", () => ModelSpecReader.Load(W("notes.txt", "just some notes\n"))),
            ("Specs", "Unknown layer type", "New-ModelSpec", () => Spec("m", [4], "Dense(3)", "Foo(2)")),
            ("Specs", "Unknown layer option (hashtable)", "New-ModelSpec", () => Spec("m", [4], new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 3, ["Colour"] = "red" })),
            ("Specs", "Zero size", "New-ModelSpec", () => Spec("m", [4], "Dense(0)")),
            ("Specs", "Negative size", "New-ModelSpec", () => Spec("m", [28, 28, 1], "Conv2D(-4, 3)")),
            ("Specs", "Absurd dimension (2^40)", "Import-ModelSpec", () => ModelSpecReader.Load(W("huge.yaml", Envelope + "spec: {inputShape: [1099511627776], layers: [Dense(2)]}\n"))),
            ("Specs", "Shape product beyond long", "New-ModelSpec", () => Spec("m", [2000000000, 2000000000, 2000000000], "Flatten()", "Dense(2)")),
            ("Specs", "Input shape with a zero dimension", "New-ModelSpec", () => Spec("m", [28, 0], "Flatten()")),
            ("Specs", "Kernel larger than its input (valid padding)", "New-ModelSpec", () => Spec("m", [3, 3, 1], "Conv2D(4, 5)")),
            ("Specs", "Flatten of an already flat input", "New-ModelSpec", () => Spec("m", [10], "Flatten()", "Dense(2)")),
            ("Specs", "Dangling input name", "New-ModelSpec", () => Spec("m", [8], new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 4, ["Inputs"] = new[] { "nowhere" } })),
            ("Specs", "Cycle (input defined later)", "New-ModelSpec", () => Spec("m", [8],
                new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 4, ["Name"] = "a", ["Inputs"] = new[] { "b" } },
                new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 4, ["Name"] = "b", ["Inputs"] = new[] { "a" } })),
            ("Specs", "Mismatched Add shapes", "New-ModelSpec", () => Spec("m", [8],
                new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 4, ["Name"] = "a" },
                new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 5, ["Name"] = "b", ["Inputs"] = new[] { "input" } },
                new System.Collections.Hashtable { ["Type"] = "Add", ["Inputs"] = new[] { "a", "b" } })),
            ("Specs", "Keras JSON with an unsupported layer", "Import-ModelSpec", () => ModelSpecReader.Load(W("keras.json",
                "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 8]}}, " +
                "{\"class_name\": \"Lambda\", \"config\": {\"name\": \"lambda\"}}]}}"))),
            ("Specs", "Keras JSON that is not valid JSON", "Import-ModelSpec", () => ModelSpecReader.Load(W("bad.json", "{\"class_name\": \"Sequential\", \"config\": {"))),
            ("Transformers", "key_dim of 0", "New-ModelSpec", () => Spec("m", [5, 8], "MultiHeadAttention(2, 0)")),
            ("Transformers", "Heads that do not divide a block's width", "New-ModelSpec", () => Spec("m", [5, 32], "TransformerEncoder(64, 5)")),
            ("Transformers", "Token ids fed to a Conv2D", "New-ModelSpec", () => LayerSpecFactory.Create("m", [28, 28, 1], ["Conv2D(4, 3)"], inputDtype: "int32")),
            ("Transformers", "Sequence longer than PositionEmbedding allows", "New-ModelSpec", () => LayerSpecFactory.Create("m", [1025], ["Embedding(50257, 768)", "PositionEmbedding(1024)"], inputDtype: "int32")),
            ("Transformers", "Vocabulary × width beyond what the engine can hold", "Invoke-ModelTraining", () =>
                Train(LayerSpecFactory.Create("m", [2, 2], ["Embedding(2147483647, 2)", "Flatten()", "Dense(10, activation=softmax)"], inputDtype: "int32"), TinyData(), new TrainingOptions { BatchSize = 4 })),
            ("Transformers", "Token id outside the vocabulary", "Invoke-ModelTraining", () =>
                Train(LayerSpecFactory.Create("m", [2, 2], ["Embedding(5, 2)", "Flatten()", "Dense(10, activation=softmax)"], inputDtype: "int32"),
                    new TrainingData { Name = "ids", SampleShape = [2, 2], Classes = 10, TrainX = Enumerable.Repeat(7f, 32).ToArray(), TrainY = [0, 1, 2, 3, 0, 1, 2, 3], TestX = [], TestY = [] },
                    new TrainingOptions { BatchSize = 4, ValidationSplit = 0 })),
            ("Layer strings", "Unbalanced parentheses", "New-ModelSpec", () => LayerSpecParser.Parse("Dense(10")),
            ("Layer strings", "Unknown keyword", "New-ModelSpec", () => LayerSpecParser.Parse("Dense(10, colour=red)")),
            ("Layer strings", "Value of the wrong type", "New-ModelSpec", () => LayerSpecParser.Parse("Dense(units=\"ten\")")),
            ("Layer strings", "Injection attempt (nothing is evaluated)", "New-ModelSpec", () => LayerSpecParser.Parse("Dense($(Remove-Item -Recurse ~))")),
            ("Layer strings", "Over-long string", "New-ModelSpec", () => LayerSpecParser.Parse("Dense(" + new string('1', 5000) + ")")),
            ("Layer strings", "Option only supported at its Keras default", "New-ModelSpec", () => LayerSpecParser.Parse("Conv2D(8, 3, dilation_rate=2)")),
            ("Layer strings", "l1_l2() without factors (Keras 2 and 3 disagree)", "New-ModelSpec", () => LayerSpecParser.Parse("Dense(10, kernel_regularizer=l1_l2())")),
            ("Keras code", "Input shape written with names the code cannot evaluate", "New-ModelSpec -KerasCode", () => ModelCost.Core.Specs.KerasCode.KerasCodeReader.Read(
                "x = Input(shape=(kernel_height, kernel_width, 1))\ny = Flatten()(x)\nz = Dense(10)(y)\nm = Model(inputs=x, outputs=z)\n")),
            ("Keras code", "model.add before the model exists", "New-ModelSpec -KerasCode", () => ModelCost.Core.Specs.KerasCode.KerasCodeReader.Read("model.add(layers.Dense(2))\n")),
            ("Data", "Wrong IDX magic", "Get-ModelDataset / Invoke-ModelTraining", () => IdxReader.ReadImages(B("magic-idx3-ubyte", Idx(0x00000801, 1, 2, 2).Concat(new byte[4]).ToArray()))),
            ("Data", "Truncated IDX file", "Invoke-ModelTraining", () => IdxReader.ReadImages(B("trunc-idx3-ubyte", Idx(0x00000803, 10, 28, 28).Concat(new byte[100]).ToArray()))),
            ("Data", "Empty file", "Invoke-ModelTraining", () => IdxReader.ReadImages(B("empty-idx3-ubyte", []))),
            ("Data", "Corrupt gzip stream", "Invoke-ModelTraining", () => IdxReader.ReadImages(B("corrupt-idx3-ubyte.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]))),
            ("Data", "Label count differs from image count", "Invoke-ModelTraining", () =>
            {
                var d = Directory.CreateDirectory(P("mismatch")).FullName;
                File.WriteAllBytes(Path.Combine(d, "t10k-images-idx3-ubyte"), Idx(0x00000803, 2, 2, 2).Concat(new byte[8]).ToArray());
                File.WriteAllBytes(Path.Combine(d, "t10k-labels-idx1-ubyte"), Idx(0x00000801, 3).Concat(new byte[3]).ToArray());
                DatasetCatalog.Resolve("MNIST", d);
            }),
            ("Data", "Label out of range", "Invoke-ModelTraining", () =>
            {
                var d = Directory.CreateDirectory(P("labels")).FullName;
                File.WriteAllBytes(Path.Combine(d, "t10k-images-idx3-ubyte"), Idx(0x00000803, 2, 2, 2).Concat(new byte[8]).ToArray());
                File.WriteAllBytes(Path.Combine(d, "t10k-labels-idx1-ubyte"), Idx(0x00000801, 2).Concat(new byte[] { 1, 42 }).ToArray());
                DatasetLoader.Load(DatasetCatalog.Resolve("MNIST", d));
            }),
            ("Data", "A directory where a file is expected", "Invoke-ModelTraining", () => IdxReader.ReadImages(Directory.CreateDirectory(P("adir")).FullName)),
            ("Data", "Folder without the IDX files", "Get-ModelDataset -Path", () => DatasetCatalog.Resolve("MNIST", Directory.CreateDirectory(P("nofiles")).FullName)),
            ("Data", "Unknown dataset name", "Get-ModelDataset", () => DatasetCatalog.Resolve("CIFAR10")),
            ("Models", "Truncated safetensors file", "Import-TrainedModel", () => SafetensorsFile.Read(B("trunc.safetensors", [8, 0, 0]))),
            ("Models", "Header length of 2^63", "Import-TrainedModel", () => SafetensorsFile.Read(B("huge.safetensors", [0, 0, 0, 0, 0, 0, 0, 0x80, (byte)'{', (byte)'}']))),
            ("Models", "Tensor offsets beyond the file", "Import-TrainedModel", () =>
            {
                var header = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}");
                SafetensorsFile.Read(B("lying.safetensors", BitConverter.GetBytes((ulong)header.Length).Concat(header).Concat(new byte[16]).ToArray()));
            }),
            ("Models", "Plain safetensors file without a spec in its metadata", "Import-TrainedModel", () =>
            {
                SafetensorsFile.Write(P("plain.safetensors"), [new NamedTensor("w", [2], [1f, 2f])], null, overwrite: true);
                TrainedModelFile.Load(P("plain.safetensors"));
            }),
            ("Models", "Spec in the metadata does not match the tensors", "Import-TrainedModel", () =>
            {
                var spec = Spec("m", [4], "Dense(3)");
                var meta = new Dictionary<string, string> { [TrainedModelFile.SpecKey] = ModelSpecYaml.Serialize(spec) };
                SafetensorsFile.Write(P("mismatch.safetensors"), [new NamedTensor("dense.kernel", [5, 3], new float[15]), new NamedTensor("dense.bias", [3], new float[3])], meta, overwrite: true);
                TrainedModelFile.Load(P("mismatch.safetensors"));
            }),
            ("Training", "Batch size larger than the training set", "Invoke-ModelTraining", () => Train(Spec("m", [2, 2], "Flatten()", "Dense(10, activation=softmax)"), TinyData(), new TrainingOptions { BatchSize = 1000 })),
            ("Training", "Validation split of 1", "Invoke-ModelTraining", () => Train(Spec("m", [2, 2], "Flatten()", "Dense(10, activation=softmax)"), TinyData(), new TrainingOptions { ValidationSplit = 1 })),
            ("Training", "Learning rate that makes the loss NaN", "Invoke-ModelTraining", () => Train(Spec("m", [2, 2], "Flatten()", "Dense(10, activation=softmax)"), TinyData(),
                new TrainingOptions { Optimizer = TrainingOptimizer.SGD, LearningRate = 1e300, BatchSize = 4, Epochs = 3, ValidationSplit = 0 })),
            ("Training", "Model input does not match the samples", "Invoke-ModelTraining", () => Train(Spec("m", [3, 3], "Flatten()", "Dense(10, activation=softmax)"), TinyData(), new TrainingOptions())),
            ("Engines", "Unknown engine name", "Invoke-ModelTraining -Engine", () => new EngineCatalog { EngineDirectory = P("Engines") }.Get("Quantum")),
            ("Engines", "Known engine that is not installed", "Invoke-ModelTraining -Engine", () => new EngineCatalog { EngineDirectory = P("Engines") }.Get("Torch")),
            ("Engines", "Layer the engine lacks (refused before any data is read)", "Invoke-ModelTraining", () => EngineSupport.Ensure(new ManagedEngine(),
                LayerSpecFactory.Create("m", [5, 3], [new LayerSpec { Type = "GRU", Units = 4, ResetAfter = false, Name = "gru" }, "Dense(2, activation=softmax)"]), EngineOperations.Train)),
            ("Engines", "Engine option the engine does not know", "Measure-ModelLatency -EngineOption", () => new ManagedEngine().MeasureLatency(Spec("m", [4], "Dense(2)"),
                new ModelCost.Core.Latency.LatencyOptions { EngineOptions = new Dictionary<string, object?> { ["Gpu"] = true } })),
            ("Speed", "Zero iterations for a latency run", "Measure-ModelLatency", () => new ManagedEngine().MeasureLatency(Spec("m", [4], "Dense(2)"), new ModelCost.Core.Latency.LatencyOptions { Iterations = 0 })),
            ("Writes", "Cancelled write (Ctrl+C mid-export)", "Export-ModelSpec / Export-*", () =>
            {
                using var cts = new CancellationTokenSource();
                AtomicFile.Write(P("cancelled.yaml"), s => { cts.Cancel(); s.WriteByte(1); }, true, cts.Token);
            }),
            ("Writes", "Missing folder", "Export-*", () => AtomicFile.WriteText(P("no/such/folder/x.yaml"), "y", overwrite: true)),
            ("Writes", "Several specs to one file name", "Export-ModelSpec / Export-TrainedModel", () => ExportTargets.Decide(P("all.yaml"), false, ["MLP", "CNN"], ".yaml")),
            ("Writes", "Target is a directory", "Export-*", () => AtomicFile.WriteText(Directory.CreateDirectory(P("target-dir")).FullName, "y", overwrite: true)),
            ("Writes", "Wildcard characters in an export name that matches nothing", "Export-*", () => throw new ModelCostException(ErrorIds.InvalidFileName, ModelCostErrorCategory.InvalidArgument,
                "The output path '*.yaml' holds wildcard characters and matches nothing; no file is created with '*' or '?' in its name. Name the file outright.", "*.yaml")),
            ("Specs", "Model name of 5,000,000 characters", "New-ModelSpec", () => LayerSpecFactory.Create(new string('a', 5_000_000), [4], ["Dense(3)"])),
            ("Specs", "Latin-1 spec file (é as byte E9)", "Import-ModelSpec", () => ModelSpecReader.Load(B("latin1.yaml", Encoding.Latin1.GetBytes("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: Café}\nspec: {inputShape: [4], layers: [Dense(2)]}\n")))),
            ("Specs", "Spec file padded with NUL bytes", "Import-ModelSpec", () => ModelSpecReader.Load(B("nul.yaml", [.. Encoding.UTF8.GetBytes("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec: {inputShape: [4], layers: [Dense(2)]}\n"), 0, 0]))),
            ("Specs", "Key given twice in Keras JSON", "Import-ModelSpec", () => ModelSpecReader.Load(W("dupkey.json",
                "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 4, \"units\": 400, \"batch_input_shape\": [null, 4]}}]}}"))),
            ("Trained models", "Weights holding NaN", "Import-TrainedModel", () => SafetensorsFile.Read(B("nan.safetensors",
                [.. BitConverter.GetBytes((ulong)56), .. Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  "), .. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(float.NaN)]))),
            ("Training", "A batch that cannot fit in memory", "Invoke-ModelTraining / Measure-ModelLatency", () => ModelCost.Core.Memory.MemoryBudget.Ensure("HeavyConv", "Training",
                new ModelCost.Core.Memory.MemoryEstimate(50L << 20, 7L << 20, 8000, "weights with training copies 50 MB, activations 56,000 MB, data 0 MB, scratch 36 MB"),
                new ModelCost.Core.Memory.AvailableMemory(16L << 30, "MemAvailable 16,384 MB (/proc/meminfo)"))),
            ("Costing", "Unknown convention", "Measure-ModelCost", () => CostConvention.Resolve("NoSuchConvention")),
            ("Costing", "Convention file with an unknown operation kind", "Measure-ModelCost", () => CostConvention.Load(W("rules.yaml", "name: Mine\ncosts:\n  Teleport: 3\n"))),
            ("Costing", "No devices (-Devices 0)", "Measure-ModelCost", () => CostCalculator.Measure(Spec("m", [4], "Dense(2)"), new CostOptions { Devices = 0 })),
            ("Costing", "ZeRO strategy on one device", "Measure-ModelCost", () => CostCalculator.Measure(Spec("m", [4], "Dense(2)"), new CostOptions { Parallelism = Parallelism.ZeRO2 })),
            ("Costing", "Link bandwidth of 0", "Measure-ModelCost", () => CostCalculator.Measure(Spec("m", [4], "Dense(2)"), new CostOptions { Devices = 8, LinkBandwidth = 0 })),
            ("Costing", "Budget exceeded (Test-ModelCost -Assert)", "Test-ModelCost", () =>
            {
                var cost = CostCalculator.Measure(Spec("MLP", [28, 28], "Flatten()", "Dense(256)", "Dense(10)")).Total;
                throw BudgetCheck.Evaluate(cost, new CostBudget { MaxParams = 100000, MaxFlops = 400000 }).ToException()!;
            }),
            ("Reporting", "Nothing to compare", "Compare-ModelCost", () => ModelComparison.Compare(["text"])),
            ("Reporting", "Chart path that is not .svg", "Export-ModelCostChart", () => SvgBarChart.CheckExtension(P("chart.png"))),
            ("Reporting", "Unknown baseline", "Compare-ModelCost", () => ModelComparison.Compare([CostCalculator.Measure(Spec("A", [4], "Dense(2)")).Total], "B")),
            ("Reporting", "Unknown comparison property", "Compare-ModelCost", () => ModelComparison.Compare([CostCalculator.Measure(Spec("A", [4], "Dense(2)")).Total], null, ["Colour"])),
            ("Reporting", "Two cost rows for one model", "Compare-ModelCost", () => ModelComparison.Compare([CostCalculator.Measure(Spec("A", [4], "Dense(2)")).Total, CostCalculator.Measure(Spec("A", [4], "Dense(2)")).Total])),
            ("ONNX", "Not an ONNX file", "Import-ModelSpec", () => OnnxImporter.Load(W("notes.onnx", "just some notes\n"))),
            ("ONNX", "Truncated file (cut inside the weights)", "Import-ModelSpec", () => OnnxImporter.Load(B("cut.onnx", Onnx(17, g => Gemm(g, "fc", "x", 64, 256))[..600]))),
            ("ONNX", "Opset outside 11-21", "Import-ModelSpec", () => OnnxImporter.Load(B("opset.onnx", Onnx(9, g => Gemm(g, "fc", "x", 64, 10))))),
            ("ONNX", "Graph with a cycle", "Import-ModelSpec", () => OnnxImporter.Load(B("cycle.onnx", Onnx(17, g =>
            {
                g.Node.Add(Node("Add", "a", ["x", "d"], "c"));
                g.Node.Add(Node("Relu", "b", ["c"], "d"));
            })))),
            ("ONNX", "2 GB of external weights whose data file is missing", "Import-ModelSpec", () => OnnxImporter.Load(B("big.onnx", Onnx(17, g =>
            {
                var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
                t.Dims.AddRange([16384, 32768]);
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                g.Initializer.Add(t);
                g.Node.Add(Node("MatMul", "mm", ["x", "w"], "y"));
            })))),
            ("ONNX", "Operator with no spec layer", "Import-ModelSpec", () => OnnxImporter.Load(B("op.onnx", Onnx(17, g => g.Node.Add(Node("Hardmax", "odd", ["x"], "y")))))),
            ("ONNX", "Export of a layer ONNX cannot express", "Export-TrainedModel", () => OnnxExporter.Build(ZeroWeights(Spec("m", [5, 3], "LSTM(4, recurrent_activation='hard_sigmoid')")))),
        };

        var sb = new StringBuilder();
        sb.AppendLine("# Errors: hostile input and what users see");
        sb.AppendLine();
        sb.AppendLine("Every bad input fails with a `ModelCostException` carrying a stable error id; the cmdlets turn it into an");
        sb.AppendLine("`ErrorRecord` whose `FullyQualifiedErrorId` is `<ErrorId>,ModelCost.PS.Commands.<Verb><Noun>Command` (for example");
        sb.AppendLine("`UnknownLayerType,ModelCost.PS.Commands.NewModelSpecCommand`), whose category is the PowerShell `ErrorCategory` below,");
        sb.AppendLine("and whose target is the offending file, layer or value. Commands that take a stream of inputs write a");
        sb.AppendLine("non-terminating error for the bad item and go on with the next (`-ErrorAction Stop` makes it terminating);");
        sb.AppendLine("commands that cannot go on (a bad `-Convention`, `Test-ModelCost -Assert`, a chart or report that cannot be");
        sb.AppendLine("written) stop with a terminating error. The session keeps working in every case.");
        sb.AppendLine();
        sb.AppendLine("Messages below were produced by running each case through ModelCost.Core (`dotnet run --project tools/ErrorCatalog -c Release > docs/errors.md`");
        sb.AppendLine("regenerates this file, and a test checks it is current; `<tmp>` stands for the temporary folder the cases were written to).");
        sb.AppendLine("The core's messages speak of the model, file, option and value; the last column is what the cmdlet adds as the");
        sb.AppendLine("ErrorRecord's RecommendedAction, in PowerShell's terms (next to where: file, line, layer, option).");
        sb.AppendLine();
        sb.AppendLine("| Area | Hostile case | Cmdlet | Error id | Category | Message | Recommended action (the cmdlet adds it) |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (area, name, cmdlet, run) in cases)
        {
            string id, category, message, action = "";
            try
            {
                run();
                (id, category, message) = ("(none)", "", "No error: the case was accepted.");
            }
            catch (ModelCostException ex)
            {
                (id, category, message) = (ex.ErrorId, PsCategory(ex.Category), ex.Message);
                action = ErrorRecommendations.For(ex) ?? "";
            }
            catch (OperationCanceledException ex)
            {
                (id, category, message) = ("OperationCancelled", "OperationStopped", ex.Message);
            }
            catch (Exception ex)
            {
                (id, category, message) = ("**unexpected " + ex.GetType().Name + "**", "", ex.Message);
            }
            message = message.Replace(dir, "<tmp>", StringComparison.Ordinal).Replace("|", "\\|").Replace("\r", "").Replace("\n", " ");
            if (message.Length > 400) message = message[..400] + " …";
            sb.Append("| ").Append(area).Append(" | ").Append(name).Append(" | ").Append(cmdlet).Append(" | `").Append(id).Append("` | ")
              .Append(category).Append(" | ").Append(message).Append(" | ").Append(action.Replace("|", "\\|")).AppendLine(" |");
        }

        sb.AppendLine();
        sb.AppendLine("## Errors raised by the cmdlets themselves");
        sb.AppendLine();
        sb.AppendLine("| Error id | Category | When |");
        sb.AppendLine("|---|---|---|");
        sb.AppendLine($"| `{CmdletErrorIds.PathNotFound}` | ObjectNotFound | `-Path`/`-LiteralPath` names a file that does not exist (a wildcard that matches nothing yields nothing, as with Get-Content). |");
        sb.AppendLine($"| `{ErrorIds.PathIsDirectory}` | InvalidArgument | A folder is named where a file is read. |");
        sb.AppendLine($"| `{CmdletErrorIds.NotFileSystemPath}` | InvalidArgument | A path on another PowerShell provider (`Env:`, `HKLM:`, ...). |");
        sb.AppendLine($"| `{CmdletErrorIds.FileReadOnly}` | WriteError | An existing read-only file is written without `-Force`. |");
        sb.AppendLine($"| `{ErrorIds.FileExists}` | ResourceExists | An existing file is written with `-NoClobber`; the file is left as it was. |");
        sb.AppendLine($"| `{CmdletErrorIds.InvalidInputObject}` | InvalidArgument | An input of the wrong kind: text or a spec file given to `Invoke-ModelEvaluation` (it needs trained weights), or a `-Dataset` that is neither a name nor a dataset object. |");
        sb.AppendLine($"| `{CmdletErrorIds.SpecTextByLine}` | InvalidArgument | Strings piped one line at a time from `Get-Content spec.yaml` (without `-Raw`); reported once per command with the `-Raw` and `-Path` alternatives, the other lines skipped. |");
        sb.AppendLine($"| `{CmdletErrorIds.DeserializedTrainedModel}` | InvalidArgument | A copy of a TrainingResult or TrainedModel from `Start-Job`, `Import-Clixml` or `ConvertFrom-Json`: a deserialized copy has no weights; export it inside the job with `Export-TrainedModel` and import the file. Commands that take specs only report it inside PowerShell's `ParameterArgumentTransformationError`. |");
        sb.AppendLine($"| `{CmdletErrorIds.DeserializedObjectInvalid}` | InvalidData | A copied cost row, comparison row, spec or training run's history (job, `Import-Clixml`, `ConvertFrom-Json`, `Import-Csv`) that lacks a property or holds a value that does not parse (numbers in the invariant culture, enums by name or number), or a spec converted to JSON too shallowly, or a run whose History is only text (`Import-Csv`). |");
        sb.AppendLine("| `CannotConvertArgumentNoMessage` | InvalidArgument | PowerShell's own binding check: an `-InputObject` of the wrong type (`Get-ModelSummary -InputObject 42`); the message names the type it takes. |");
        sb.AppendLine("| `ParameterArgumentValidationError` | InvalidData | PowerShell's own binding check: a value outside a parameter's set or range (`-Precision Float64`). |");
        sb.AppendLine();
        sb.AppendLine("Ctrl+C during training, download or export stops the pipeline (PowerShell's `PipelineStoppedException`): no error");
        sb.AppendLine("record, no half-written file, no training thread left running; the next command runs normally.");
        Directory.Delete(dir, recursive: true);
        return sb.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string PsCategory(ModelCostErrorCategory c) => c switch
    {
        ModelCostErrorCategory.InvalidArgument => "InvalidArgument",
        ModelCostErrorCategory.InvalidData => "InvalidData",
        ModelCostErrorCategory.InvalidOperation => "InvalidOperation",
        ModelCostErrorCategory.ObjectNotFound => "ObjectNotFound",
        ModelCostErrorCategory.ResourceUnavailable => "ResourceUnavailable",
        ModelCostErrorCategory.ResourceExists => "ResourceExists",
        ModelCostErrorCategory.ParserError => "ParserError",
        ModelCostErrorCategory.LimitsExceeded => "LimitsExceeded",
        ModelCostErrorCategory.OperationStopped => "OperationStopped",
        ModelCostErrorCategory.WriteError => "WriteError",
        ModelCostErrorCategory.ReadError => "ReadError",
        ModelCostErrorCategory.SecurityError => "SecurityError",
        ModelCostErrorCategory.NotImplemented => "NotImplemented",
        _ => "NotSpecified",
    };

    private static TrainingData TinyData() => new()
    {
        Name = "tiny",
        SampleShape = [2, 2],
        Classes = 10,
        TrainX = new float[8 * 4],
        TrainY = [0, 1, 2, 3, 0, 1, 2, 3],
        TestX = new float[4 * 4],
        TestY = [0, 1, 2, 3],
    };

    // A model over input x [N, 64] for the ONNX cases.
    private static byte[] Onnx(long opset, Action<GraphProto> body)
    {
        var g = new GraphProto { Name = "g" };
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 64 });
        g.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } });
        body(g);
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m.ToByteArray();
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        return n;
    }

    private static void Gemm(GraphProto g, string name, string input, int k, int n)
    {
        var w = new TensorProto { Name = name + ".w", DataType = 1, RawData = ByteString.CopyFrom(new byte[4 * k * n]) };
        w.Dims.AddRange([k, n]);
        g.Initializer.Add(w);
        g.Node.Add(Node("Gemm", name, [input, w.Name], "y"));
    }

    private static TrainedModel ZeroWeights(ModelSpec spec) =>
        new(spec, WeightLayout.For(ShapeInference.Resolve(spec)).Select(s => new NamedTensor(s.Name, s.Shape, new float[s.Elements])).ToList());
}
