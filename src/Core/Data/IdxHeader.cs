namespace ModelCost.Core.Data;

/// <summary>The validated header of an IDX file: magic number and dimensions (count first).</summary>
public sealed class IdxHeader
{
    public required string Path { get; init; }

    /// <summary>0x00000803 for images, 0x00000801 for labels.</summary>
    public required int Magic { get; init; }

    /// <summary>Dimensions as stored: (count) for labels, (count, rows, cols) for images.</summary>
    public required int[] Dimensions { get; init; }

    /// <summary>True when the file is gzip-compressed.</summary>
    public bool Compressed { get; init; }

    /// <summary>Bytes of data after the header (product of the dimensions; one byte per unsigned-byte element).</summary>
    public long PayloadBytes { get; init; }

    public int Count => Dimensions[0];
}
