using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ModelCost.Core.Errors;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Reads an ONNX file with bounded memory. The protobuf runtime (Google.Protobuf) parses every message;
/// the ONNX schema's generated types (OnnxSharp) hold nodes, value infos and opsets. Only three messages
/// are walked field by field — ModelProto, GraphProto and TensorProto — so that an initializer's weights
/// (<c>raw_data</c> or the typed data lists) are skipped with <see cref="CodedInputStream.SkipLastField"/>,
/// which seeks the file stream, instead of being copied: a 500 MB model costs a few MB of memory. Small
/// tensors (at most <see cref="OnnxInitializer.SmallTensorBytes"/>) keep their values, because shapes, axes
/// and scalars steer the mapping. Every read is bounded by the file: the stream's size limit is the file's
/// length, so a hostile length prefix cannot make the runtime allocate more than the file holds.
/// </summary>
internal static class OnnxFileReader
{
    /// <summary>Protobuf messages cannot exceed 2 GiB; larger models keep their weights in external data files.</summary>
    public const long MaxFileBytes = int.MaxValue;

    public static OnnxGraph Read(string path)
    {
        var info = new FileInfo(path);
        if (Directory.Exists(path))
            throw new ModelCostException(ErrorIds.PathIsDirectory, ModelCostErrorCategory.InvalidArgument,
                $"Cannot read the ONNX model '{path}': it is a directory, not a file.", path) { File = path };
        if (!info.Exists)
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.ObjectNotFound,
                $"The ONNX model '{path}' does not exist.", path) { File = path };
        if (info.Length > MaxFileBytes)
            throw Invalid(path, $"the file is {info.Length} bytes; an ONNX protobuf cannot exceed 2 GiB (larger models keep their weights in external data files next to a small .onnx).", ErrorIds.OnnxInvalid, ModelCostErrorCategory.LimitsExceeded);
        if (info.Length == 0) throw Invalid(path, "the file is empty.");

        var model = new LeanModel(path, info.Length);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            using var input = CodedInputStream.CreateWithLimits(stream, (int)info.Length, 64);
            model.MergeFrom(input);
            if (input.Position != info.Length) throw Truncated(path);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Text or another binary format also "ends early" when read as protobuf: only a file that began as an
            // ONNX model (its IR version or graph read) is called truncated.
            bool began = model.IrVersion > 0 || model.Graph is not null;
            bool truncated = began && (ex.Message.Contains("truncated", StringComparison.OrdinalIgnoreCase)
                || ex.Message.Contains("end of", StringComparison.OrdinalIgnoreCase));
            throw truncated ? Truncated(path, ex) : Invalid(path, $"it is not an ONNX model (it does not read as ONNX protobuf: {ex.Message}).", inner: ex);
        }
        catch (ModelCostException ex) when (ex.ErrorId == ErrorIds.OnnxTruncated && model.IrVersion <= 0 && model.Graph is null)
        {
            throw Invalid(path, "it is not an ONNX model (it does not read as ONNX protobuf).", inner: ex);
        }
        catch (IOException ex)
        {
            throw new ModelCostException(ErrorIds.SpecFileNotFound, ModelCostErrorCategory.ReadError,
                $"Cannot read the ONNX model '{path}': {ex.Message}", path, ex) { File = path };
        }

        if (model.Graph is null || model.IrVersion <= 0)
            throw Invalid(path, "it holds no ONNX model (no graph or IR version); is it an ONNX file?");
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var o in model.Opsets) opsets[o.Domain is "ai.onnx" ? "" : o.Domain] = o.Version;
        var g = model.Graph;
        var inits = new Dictionary<string, OnnxInitializer>(StringComparer.Ordinal);
        foreach (var t in g.Initializers) inits[t.Name] = t;
        return new OnnxGraph
        {
            File = path, IrVersion = model.IrVersion, ProducerName = model.ProducerName, ProducerVersion = model.ProducerVersion,
            GraphName = g.Name, Opsets = opsets, Nodes = g.Nodes, Initializers = inits,
            Inputs = g.Inputs, Outputs = g.Outputs, ValueInfo = g.ValueInfo,
        };
    }

    internal static ModelCostException Invalid(string path, string message, string id = ErrorIds.OnnxInvalid,
        ModelCostErrorCategory category = ModelCostErrorCategory.InvalidData, Exception? inner = null) =>
        new(id, category, $"{path}: {message}", path, inner) { File = path };

    private static ModelCostException Truncated(string path, Exception? inner = null) =>
        Invalid(path, "the file ends inside a message or tensor (truncated: a partial download or copy?).", ErrorIds.OnnxTruncated, inner: inner);

    /// <summary>Bytes per element of an ONNX data type; 0 for strings and unknown types.</summary>
    internal static int ElementSize(int dataType) => dataType switch
    {
        1 or 6 or 12 => 4, // float, int32, uint32
        2 or 3 or 9 => 1, // uint8, int8, bool
        4 or 5 or 10 or 16 => 2, // uint16, int16, float16, bfloat16
        7 or 11 or 13 => 8, // int64, double, uint64
        14 => 8, 15 => 16, // complex64, complex128
        17 or 18 or 19 or 20 => 1, // float8 variants
        _ => 0,
    };

    /// <summary>The parts of a message we walk ourselves are never written: these types only read.</summary>
    private abstract class ReadOnlyMessage : IMessage
    {
        public MessageDescriptor Descriptor => throw new NotSupportedException("read-only message");
        public int CalculateSize() => throw new NotSupportedException("read-only message");
        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException("read-only message");
        public abstract void MergeFrom(CodedInputStream input);
    }

    /// <summary>ModelProto: header fields and opsets read; the graph walked; functions, metadata and training info skipped.</summary>
    private sealed class LeanModel(string path, long fileLength) : ReadOnlyMessage
    {
        public long IrVersion;
        public string ProducerName = "", ProducerVersion = "";
        public readonly List<OperatorSetIdProto> Opsets = [];
        public LeanGraph? Graph;

        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint: IrVersion = input.ReadInt64(); break;
                    case 2: ProducerName = input.ReadString(); break;
                    case 3: ProducerVersion = input.ReadString(); break;
                    case 7:
                        Graph ??= new LeanGraph(path, fileLength);
                        input.ReadMessage(Graph);
                        break;
                    case 8:
                        var o = new OperatorSetIdProto();
                        input.ReadMessage(o);
                        Opsets.Add(o);
                        break;
                    default: Skip(input, path, fileLength); break;
                }
            }
        }
    }

    /// <summary>GraphProto: nodes and value infos through the generated parsers, initializers walked.</summary>
    private sealed class LeanGraph(string path, long fileLength) : ReadOnlyMessage
    {
        public string Name = "";
        public readonly List<NodeProto> Nodes = [];
        public readonly List<OnnxInitializer> Initializers = [];
        public readonly List<ValueInfoProto> Inputs = [], Outputs = [], ValueInfo = [];

        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1: { var n = new NodeProto(); input.ReadMessage(n); Nodes.Add(n); break; }
                    case 2: Name = input.ReadString(); break;
                    case 5:
                    {
                        var t = new LeanTensor(path, fileLength);
                        input.ReadMessage(t);
                        Initializers.Add(t.ToInitializer());
                        break;
                    }
                    case 11: { var v = new ValueInfoProto(); input.ReadMessage(v); Inputs.Add(v); break; }
                    case 12: { var v = new ValueInfoProto(); input.ReadMessage(v); Outputs.Add(v); break; }
                    case 13: { var v = new ValueInfoProto(); input.ReadMessage(v); ValueInfo.Add(v); break; }
                    case 15:
                        throw Invalid(path, $"graph '{Name}' has sparse initializers, which this module does not read.", ErrorIds.OnnxOperatorUnsupported, ModelCostErrorCategory.NotImplemented);
                    default: Skip(input, path, fileLength); break;
                }
            }
        }
    }

    /// <summary>TensorProto: name, type, dims and location read; the data kept only when small.</summary>
    private sealed class LeanTensor(string path, long fileLength) : ReadOnlyMessage
    {
        private readonly List<long> _dims = [];
        private int _dataType;
        private string _name = "";
        private bool _external;
        private long _dataBytes;
        private ByteString? _raw;
        private readonly List<double> _typed = [];
        private bool _typedSeen;
        private string? _location;
        private long _offset, _length = -1;

        public override void MergeFrom(CodedInputStream input)
        {
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                var wire = WireFormat.GetTagWireType(tag);
                switch (field)
                {
                    case 1 when wire == WireFormat.WireType.Varint: _dims.Add(input.ReadInt64()); break;
                    case 1 when wire == WireFormat.WireType.LengthDelimited: ReadPacked(input, _dims, field); break;
                    case 2 when wire == WireFormat.WireType.Varint: _dataType = input.ReadInt32(); break;
                    case 8: _name = input.ReadString(); break;
                    case 14 when wire == WireFormat.WireType.Varint: _external = input.ReadEnum() == 1; break;
                    case 13 when wire == WireFormat.WireType.LengthDelimited:
                    {
                        var e = new StringStringEntryProto();
                        input.ReadMessage(e);
                        switch (e.Key)
                        {
                            case "location": _location = e.Value; break;
                            case "offset": _offset = long.TryParse(e.Value, out var o) ? o : -1; break;
                            case "length": _length = long.TryParse(e.Value, out var l) ? l : -1; break;
                        }
                        break;
                    }
                    case 9 when wire == WireFormat.WireType.LengthDelimited:
                        if (Small()) { _raw = input.ReadBytes(); _dataBytes += _raw.Length; }
                        else _dataBytes += SkipCounting(input);
                        break;
                    case 4 or 5 or 7 or 10 or 11:
                        _typedSeen = true;
                        if (Small()) ReadTyped(input, field, wire);
                        else _dataBytes += SkipCounting(input);
                        break;
                    default: Skip(input, path, fileLength); break;
                }
            }
        }

        /// <summary>Whether the declared size is small enough to keep (dims and type come before the data in every writer's field order).</summary>
        private bool Small()
        {
            long n = 1;
            foreach (var d in _dims)
            {
                if (d < 0 || d > OnnxInitializer.SmallTensorBytes) return false;
                n *= d;
                if (n > OnnxInitializer.SmallTensorBytes) return false;
            }
            int size = ElementSize(_dataType);
            return size > 0 && n * size <= OnnxInitializer.SmallTensorBytes;
        }

        private long SkipCounting(CodedInputStream input)
        {
            long before = input.Position;
            Skip(input, path, fileLength);
            return input.Position - before;
        }

        private void ReadTyped(CodedInputStream input, int field, WireFormat.WireType wire)
        {
            // float_data(4) fixed32 floats, int32_data(5) varints, int64_data(7) varints, double_data(10) fixed64, uint64_data(11) varints.
            CodedInputStream src = input;
            if (wire == WireFormat.WireType.LengthDelimited)
            {
                var bytes = input.ReadBytes();
                _dataBytes += bytes.Length;
                src = new CodedInputStream(bytes.ToByteArray());
                while (!src.IsAtEnd) _typed.Add(ReadOne(src, field));
                return;
            }
            _typed.Add(ReadOne(src, field));
            _dataBytes += 1;
        }

        private static double ReadOne(CodedInputStream s, int field) => field switch
        {
            4 => s.ReadFloat(),
            5 => s.ReadInt32(),
            7 => s.ReadInt64(),
            10 => s.ReadDouble(),
            _ => s.ReadUInt64(),
        };

        public OnnxInitializer ToInitializer()
        {
            if (_name.Length == 0) throw Invalid(path, "an initializer has no name.");
            long elements = 1;
            foreach (var d in _dims)
            {
                if (d < 0) throw Invalid(path, $"initializer '{_name}' has a negative dimension ({string.Join(", ", _dims)}).");
                try { elements = checked(elements * d); }
                catch (OverflowException) { throw Invalid(path, $"initializer '{_name}' has more elements than a 64-bit count can hold ({string.Join(", ", _dims)}).", ErrorIds.OnnxInvalid, ModelCostErrorCategory.LimitsExceeded); }
            }
            int size = ElementSize(_dataType);
            if (!_external && _raw is not null && size > 0 && _raw.Length != elements * size)
                throw Invalid(path, $"initializer '{_name}' declares {elements} elements of {size} bytes but its raw_data holds {_raw.Length} bytes.");
            if (!_external && elements > 0 && _raw is null && !_typedSeen && _dataBytes == 0 && _dataType != 8)
                throw Invalid(path, $"initializer '{_name}' declares {elements} elements but holds no data.");
            if (!_external && _raw is null && _dataBytes > 0 && size > 0 && !_typedSeen && _dataBytes < elements * size)
                throw Invalid(path, $"initializer '{_name}' declares {elements} elements of {size} bytes but its raw_data holds fewer bytes.");
            return new OnnxInitializer
            {
                Name = _name, DataType = _dataType, Dims = _dims.ToArray(), Elements = elements, External = _external,
                ExternalLocation = _location, ExternalOffset = _offset, ExternalLength = _length,
                Values = _raw is not null ? Decode(_raw.Span, _dataType) : _typedSeen && _typed.Count == elements ? _typed.ToArray() : null,
            };
        }

        private static double[]? Decode(ReadOnlySpan<byte> b, int type)
        {
            int size = ElementSize(type);
            if (size == 0) return null;
            var v = new double[b.Length / size];
            for (int i = 0; i < v.Length; i++)
            {
                var e = b.Slice(i * size, size);
                v[i] = type switch
                {
                    1 => BinaryPrimitives.ReadSingleLittleEndian(e),
                    11 => BinaryPrimitives.ReadDoubleLittleEndian(e),
                    6 => BinaryPrimitives.ReadInt32LittleEndian(e),
                    7 => BinaryPrimitives.ReadInt64LittleEndian(e),
                    12 => BinaryPrimitives.ReadUInt32LittleEndian(e),
                    13 => BinaryPrimitives.ReadUInt64LittleEndian(e),
                    2 or 9 => e[0],
                    3 => (sbyte)e[0],
                    4 => BinaryPrimitives.ReadUInt16LittleEndian(e),
                    5 => BinaryPrimitives.ReadInt16LittleEndian(e),
                    10 => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                    _ => double.NaN,
                };
            }
            return v;
        }

        private void ReadPacked(CodedInputStream input, List<long> into, int field)
        {
            var bytes = input.ReadBytes();
            var s = new CodedInputStream(bytes.ToByteArray());
            while (!s.IsAtEnd) into.Add(s.ReadInt64());
            if (into.Count > 64) throw Invalid(path, $"tensor '{_name}' has {into.Count} dimensions (field {field}); ONNX tensors have at most a handful.");
        }
    }

    /// <summary>Skips the field just read; a skip that seeks past the end of the file means the file was cut short.</summary>
    private static void Skip(CodedInputStream input, string path, long fileLength)
    {
        input.SkipLastField();
        if (input.Position > fileLength) throw Truncated(path);
    }
}
