namespace ModelCost.Core.Engine;

/// <summary>
/// The samples of one split as the engine reads them: float32 values, or bytes scaled to [0, 1]
/// as they are copied into a batch. Keeping image datasets as bytes holds Fashion-MNIST's 60,000
/// training images in 47 MB instead of 188 MB; the values the network sees are identical.
/// </summary>
internal readonly struct SampleStore
{
    /// <summary>byte v → (float)(v / 255.0): what Keras scripts' x / 255.0 in float64, cast to float32, give.</summary>
    internal static readonly float[] ByteScale = Enumerable.Range(0, 256).Select(v => (float)(v / 255.0)).ToArray();

    private readonly float[]? _floats;
    private readonly byte[]? _bytes;

    public SampleStore(float[] floats) => _floats = floats;

    public SampleStore(byte[] bytes) => _bytes = bytes;

    /// <summary>Number of values (samples × sample size).</summary>
    public long Length => _floats?.LongLength ?? _bytes?.LongLength ?? 0;

    /// <summary>Copies <paramref name="count"/> values from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void CopyTo(long source, float[] destination, long destinationIndex, long count)
    {
        if (_floats is not null) { Array.Copy(_floats, source, destination, destinationIndex, count); return; }
        var src = _bytes.AsSpan((int)source, (int)count);
        var dst = destination.AsSpan((int)destinationIndex, (int)count);
        var scale = ByteScale;
        for (int i = 0; i < src.Length; i++) dst[i] = scale[src[i]];
    }
}
