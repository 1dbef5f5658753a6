namespace ModelCost.Core.Specs.Parsing;

/// <summary>A YAML node read with its position; scalars stay text until the schema mapper types them.</summary>
internal abstract class YamlNode
{
    public int Line { get; init; }
    public int Column { get; init; }
    /// <summary>Nodes in this subtree, alias expansions included (what a consumer may visit).</summary>
    public long Weight { get; set; } = 1;
    public abstract string KindName { get; }
}

internal sealed class YamlScalarNode : YamlNode
{
    public required string Value { get; init; }
    /// <summary>Plain (unquoted, untagged-as-string) scalars may be numbers, booleans or null.</summary>
    public bool Plain { get; init; }
    public override string KindName => "a scalar";
}

internal sealed class YamlSequenceNode : YamlNode
{
    public List<YamlNode> Items { get; } = [];
    public override string KindName => "a list";
}

internal sealed class YamlMappingNode : YamlNode
{
    public List<KeyValuePair<YamlNode, YamlNode>> Pairs { get; } = [];
    public override string KindName => "a mapping";
}
