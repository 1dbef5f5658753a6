using ModelCost.Core.Errors;
using Onnx;

namespace ModelCost.Core.Onnx;

/// <summary>
/// Orders a graph's nodes so every node follows the nodes it reads (ONNX requires files to be sorted, but a
/// hostile or hand-edited file may not be). A cycle, a tensor written twice or a tensor nothing produces is an
/// <see cref="ErrorIds.OnnxGraphInvalid"/> error naming the nodes.
/// </summary>
internal static class OnnxGraphOrder
{
    public static IReadOnlyList<NodeProto> Sort(OnnxGraph g)
    {
        var nodes = g.Nodes;
        var available = new HashSet<string>(StringComparer.Ordinal) { "" };
        foreach (var i in g.Inputs) available.Add(i.Name);
        foreach (var i in g.Initializers.Keys) available.Add(i);

        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < nodes.Count; n++)
            foreach (var o in nodes[n].Output)
            {
                if (o.Length == 0) continue;
                if (available.Contains(o) || !producer.TryAdd(o, n))
                    throw Error(g, $"tensor '{o}' is written by more than one node or input (node '{Name(nodes[n])}' is one); ONNX graphs assign each tensor once.", nodes[n]);
            }

        var pending = new int[nodes.Count];
        var readers = new List<int>[nodes.Count];
        for (int n = 0; n < nodes.Count; n++) readers[n] = [];
        for (int n = 0; n < nodes.Count; n++)
            foreach (var i in nodes[n].Input.Distinct())
            {
                if (available.Contains(i)) continue;
                if (!producer.TryGetValue(i, out var p))
                    throw Error(g, $"node '{Name(nodes[n])}' ({nodes[n].OpType}) reads '{i}', which no node, input or initializer produces.", nodes[n]);
                pending[n]++;
                readers[p].Add(n);
            }

        var ready = new Queue<int>();
        for (int n = 0; n < nodes.Count; n++) if (pending[n] == 0) ready.Enqueue(n);
        var order = new List<NodeProto>(nodes.Count);
        while (ready.Count > 0)
        {
            int n = ready.Dequeue();
            order.Add(nodes[n]);
            foreach (var r in readers[n])
                if (--pending[r] == 0) ready.Enqueue(r);
        }
        if (order.Count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).Where(n => pending[n] > 0).Take(5).Select(n => $"'{Name(nodes[n])}' ({nodes[n].OpType})");
            throw Error(g, $"the graph has a cycle: {nodes.Count - order.Count} node(s) wait on each other, among them {string.Join(", ", stuck)}.", null);
        }
        return order;
    }

    private static string Name(NodeProto n) => n.Name.Length > 0 ? n.Name : $"{n.OpType}({(n.Output.Count > 0 ? n.Output[0] : "?")})";

    private static ModelCostException Error(OnnxGraph g, string message, NodeProto? node) =>
        new(ErrorIds.OnnxGraphInvalid, ModelCostErrorCategory.InvalidData, $"{g.File}: {message}", node is null ? g.File : Name(node))
        { File = g.File, LayerName = node is null ? null : Name(node) };
}
