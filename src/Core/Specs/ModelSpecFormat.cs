namespace ModelCost.Core.Specs;

/// <summary>How a spec is written out: ModelSpec YAML (read back by the spec reader) or a self-contained PyTorch module.</summary>
public enum ModelSpecFormat
{
    Yaml,
    PyTorch,
}
