namespace ModelCost.Core.Engine.Kernels;

/// <summary>
/// One pooling layer's shape, channels last (NDHWC; 1D and 2D as D = 1 / H = 1): input D×H×W×C,
/// window Kd×Kh×Kw, strides, padding before each axis, output Od×Oh×Ow×C. Windows are clipped to
/// the input ("same" padding ignores padded cells, as TF does).
/// </summary>
internal readonly record struct PoolGeometry(
    int D, int H, int W, int C,
    int Kd, int Kh, int Kw,
    int Sd, int Sh, int Sw,
    int Pd, int Ph, int Pw,
    int Od, int Oh, int Ow)
{
    public int InputSize => D * H * W * C;

    public int OutputSize => Od * Oh * Ow * C;

    /// <summary>Windows tile the input without overlap or padding, so each input cell has at most one window.</summary>
    public bool Disjoint => Sd >= Kd && Sh >= Kh && Sw >= Kw && Pd == 0 && Ph == 0 && Pw == 0;

    public (int D0, int D1, int H0, int H1, int W0, int W1) Window(int od, int oh, int ow)
    {
        int d0 = od * Sd - Pd, h0 = oh * Sh - Ph, w0 = ow * Sw - Pw;
        return (Math.Max(d0, 0), Math.Min(d0 + Kd, D), Math.Max(h0, 0), Math.Min(h0 + Kh, H), Math.Max(w0, 0), Math.Min(w0 + Kw, W));
    }
}
