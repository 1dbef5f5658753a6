namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// A sliding-window layer's shape (pooling or convolution), channels last (NDHWC; 1D and 2D as
/// D = 1 / H = 1): input D×H×W×C, window Kd×Kh×Kw, strides, padding before each axis, output
/// positions Od×Oh×Ow. Pooling clips windows to the input ("same" padding ignores padded cells,
/// as TF does); convolution reads padded cells as zeros.
/// </summary>
internal readonly record struct WindowGeometry(
    int D, int H, int W, int C,
    int Kd, int Kh, int Kw,
    int Sd, int Sh, int Sw,
    int Pd, int Ph, int Pw,
    int Od, int Oh, int Ow)
{
    public int InputSize => D * H * W * C;

    /// <summary>Pooling output floats (C channels per position).</summary>
    public int OutputSize => Od * Oh * Ow * C;

    public int Positions => Od * Oh * Ow;

    /// <summary>One im2col row: the window's Kd·Kh·Kw·C input values in Keras kernel order.</summary>
    public int PatchSize => Kd * Kh * Kw * C;

    /// <summary>Windows tile the input without overlap or padding, so each input cell has at most one window.</summary>
    public bool Disjoint => Sd >= Kd && Sh >= Kh && Sw >= Kw && Pd == 0 && Ph == 0 && Pw == 0;

    public (int D0, int D1, int H0, int H1, int W0, int W1) Window(int od, int oh, int ow)
    {
        int d0 = od * Sd - Pd, h0 = oh * Sh - Ph, w0 = ow * Sw - Pw;
        return (Math.Max(d0, 0), Math.Min(d0 + Kd, D), Math.Max(h0, 0), Math.Min(h0 + Kh, H), Math.Max(w0, 0), Math.Min(w0 + Kw, W));
    }
}
