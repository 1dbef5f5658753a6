namespace ModelCost.Core.Engine.Runtime;

/// <summary>
/// Assigns buffers that are live over intervals of a step's timeline to shared slots, so two buffers share a
/// slot only when their intervals do not overlap. Intervals are inclusive: a buffer read and another written at the
/// same instant (a layer's input and its output, its output gradient and its input gradient) never share. Greedy by
/// start time; a request takes the free slot that fits most tightly, else grows the largest free one, else opens a
/// new slot. A slot's length is the longest request it holds. Without sharing every request gets its own slot
/// (the layout before planning, kept to check that planning changes no number).
/// </summary>
internal sealed class BufferPlanner(bool share = true)
{
    private readonly List<(long Floats, int First, int Last)> _requests = [];

    /// <summary>Asks for <paramref name="floats"/> floats live from time <paramref name="first"/> to <paramref name="last"/> (inclusive); returns the request's id.</summary>
    public int Request(long floats, int first, int last)
    {
        if (floats < 0 || last < first) throw new ArgumentOutOfRangeException(nameof(floats), $"request of {floats} floats over [{first}, {last}]");
        _requests.Add((floats, first, last));
        return _requests.Count - 1;
    }

    public int Count => _requests.Count;

    public (long Floats, int First, int Last) this[int request] => _requests[request];

    /// <summary>The slot of each request (by id) and each slot's length in floats.</summary>
    public (int[] SlotOf, long[] SlotFloats) Solve()
    {
        var order = Enumerable.Range(0, _requests.Count).OrderBy(r => _requests[r].First).ThenBy(r => r).ToArray();
        var slotOf = new int[_requests.Count];
        var sizes = new List<long>();
        var busyUntil = new List<int>();
        foreach (int r in order)
        {
            var (floats, first, last) = _requests[r];
            int best = -1;
            for (int s = 0; share && s < sizes.Count; s++)
            {
                if (busyUntil[s] >= first) continue;
                if (best < 0) { best = s; continue; }
                bool fits = sizes[s] >= floats, bestFits = sizes[best] >= floats;
                if (fits && (!bestFits || sizes[s] < sizes[best])) best = s;      // tightest fit
                else if (!fits && !bestFits && sizes[s] > sizes[best]) best = s;   // or the largest to grow
            }
            if (best < 0) { sizes.Add(0); busyUntil.Add(0); best = sizes.Count - 1; }
            sizes[best] = Math.Max(sizes[best], floats);
            busyUntil[best] = last;
            slotOf[r] = best;
        }
        return (slotOf, sizes.ToArray());
    }
}
