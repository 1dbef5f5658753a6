using System.Buffers.Binary;
using ModelCost.Core.Errors;
using ModelCost.Core.Models;
using ModelCost.Core.Tests.IO;
using Xunit;

namespace ModelCost.Core.Tests.Models;

/// <summary>
/// Issue 15 item 6: weights that are NaN, infinite, or an F64 value float32 cannot hold are refused on import
/// (NonFiniteWeights) instead of evaluating silently to a NaN loss.
/// </summary>
public sealed class NonFiniteWeightsTests : IDisposable
{
    private readonly TempFolder _tmp = new("mc-nonfinite");

    public void Dispose() => _tmp.Dispose();

    private string Put(string dtype, byte[] data, int count)
    {
        var header = $"{{\"w\":{{\"dtype\":\"{dtype}\",\"shape\":[{count}],\"data_offsets\":[0,{data.Length}]}}}}";
        var p = _tmp.File(dtype + ".safetensors");
        File.WriteAllBytes(p, SafetensorsFileTests.Raw(header, data));
        return p;
    }

    private static byte[] F32(params float[] v)
    {
        var b = new byte[4 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    private static byte[] F64(params double[] v)
    {
        var b = new byte[8 * v.Length];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8 * i), v[i]);
        return b;
    }

    [Fact]
    public void A_NaN_is_refused_naming_the_tensor_the_index_and_the_count()
    {
        var p = Put("F32", F32(1f, float.NaN, 2f, float.PositiveInfinity), 4);
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(p));
        Assert.Equal(ErrorIds.NonFiniteWeights, ex.ErrorId);
        Assert.Contains("tensor 'w'", ex.Message);
        Assert.Contains("holds 2 value(s)", ex.Message);
        Assert.Contains("flat index 1, is NaN", ex.Message);
        Assert.Equal(p, ex.File);
    }

    [Fact]
    public void An_F64_value_beyond_float32_is_refused_with_its_value()
    {
        // float32's largest finite value is (2 − 2^−23)·2^127 ≈ 3.4028235e38; 1e300 becomes +∞ in float32.
        var p = Put("F64", F64(0.5, 1e300), 2);
        var ex = Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(p));
        Assert.Equal(ErrorIds.NonFiniteWeights, ex.ErrorId);
        Assert.Contains("1E+300 (F64), beyond the float32 range", ex.Message);
    }

    [Fact]
    public void An_F16_infinity_is_refused()
    {
        // Half +∞ is 0x7C00 (exponent all ones, mantissa 0).
        var p = Put("F16", [0x00, 0x7C], 1);
        Assert.Equal(ErrorIds.NonFiniteWeights, Assert.Throws<ModelCostException>(() => SafetensorsFile.Read(p)).ErrorId);
    }

    [Fact]
    public void The_largest_finite_float32_is_accepted()
    {
        var p = Put("F64", F64(3.4028234663852886e38, -3.4028234663852886e38), 2);
        var (tensors, _) = SafetensorsFile.Read(p);
        Assert.Equal(float.MaxValue, tensors[0].Data[0]);
        Assert.Equal(-float.MaxValue, tensors[0].Data[1]);
    }
}
