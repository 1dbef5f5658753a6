using System.Reflection;
using System.Runtime.Loader;

namespace ModelCost.PS.Loading;

/// <summary>
/// The module's private load context, rooted at the module's Dependencies/ folder. ModelCost.Core
/// is loaded here, and so is everything it needs that sits in that folder (YamlDotNet,
/// System.Numerics.Tensors), so another module's YamlDotNet can never clash with ours.
/// Framework assemblies are not in the folder: Load returns null and the default context serves them.
/// </summary>
internal sealed class ModelCostAssemblyLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    public ModelCostAssemblyLoadContext(string dependencyDirectory)
        : base(name: "ModelCost.PS", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName.Name)) return null;
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Only the inherited LoadFromAssemblyPath loads into this context; Assembly.Load* would not.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
