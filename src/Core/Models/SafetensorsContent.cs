using ModelCost.Core.Engine;

namespace ModelCost.Core.Models;

/// <summary>What a safetensors file holds: tensors in file (offset) order and the <c>__metadata__</c> strings.</summary>
public sealed class SafetensorsContent
{
    public SafetensorsContent(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata, long fileBytes)
    {
        Tensors = tensors;
        Metadata = metadata;
        FileBytes = fileBytes;
    }

    public IReadOnlyList<NamedTensor> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public long FileBytes { get; }

    public void Deconstruct(out IReadOnlyList<NamedTensor> tensors, out IReadOnlyDictionary<string, string> metadata)
    {
        tensors = Tensors;
        metadata = Metadata;
    }
}
