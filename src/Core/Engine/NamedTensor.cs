namespace ModelCost.Core.Engine;

/// <summary>A named float32 tensor (row-major), the unit of weight exchange (safetensors, export/import).</summary>
public sealed class NamedTensor
{
    public NamedTensor(string name, int[] shape, float[] data)
    {
        Name = name;
        Shape = shape;
        Data = data;
    }

    /// <summary>PyTorch-friendly name, e.g. <c>dense.kernel</c>.</summary>
    public string Name { get; }
    public int[] Shape { get; }
    public float[] Data { get; }
}
