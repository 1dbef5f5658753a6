using ModelCost.Core.Errors;
using ModelCost.Core.IO;
using Xunit;

namespace ModelCost.Core.Tests.IO;

/// <summary>Where Export-ModelSpec / Export-TrainedModel write, decided before anything is written (issue 16 item 2).</summary>
public class ExportTargetsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mc-targets-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string P(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void SeveralObjectsAndANewNameWithoutExtensionMakeAFolder()
    {
        var plan = ExportTargets.Decide(P("many"), false, ["MLP", "CNN"], ".yaml");
        Assert.Equal(P("many"), plan.CreateFolder);
        Assert.Equal([P("many/MLP.yaml"), P("many/CNN.yaml")], plan.Files);
        Assert.False(Directory.Exists(P("many"))); // deciding writes nothing
    }

    [Fact]
    public void OneObjectGoesToThePathAsAFile()
    {
        var plan = ExportTargets.Decide(P("one"), false, ["MLP"], ".yaml");
        Assert.Null(plan.CreateFolder);
        Assert.Equal([P("one")], plan.Files);
    }

    [Fact]
    public void ExistingFolderOrTrailingSeparatorIsAFolder()
    {
        Directory.CreateDirectory(P("out"));
        Assert.Equal([P("out/MLP.yaml")], ExportTargets.Decide(P("out"), false, ["MLP"], ".yaml").Files);
        var plan = ExportTargets.Decide(P("new") + Path.DirectorySeparatorChar, true, ["MLP"], ".safetensors");
        Assert.Equal(P("new"), plan.CreateFolder);
        Assert.Equal([P("new/MLP.safetensors")], plan.Files);
    }

    [Fact]
    public void SeveralObjectsAndAFileNameAreRefusedBeforeWriting()
    {
        var ex = Assert.Throws<ModelCostException>(() => ExportTargets.Decide(P("all.yaml"), false, ["MLP", "CNN"], ".yaml"));
        Assert.Equal(ErrorIds.OutputPathReused, ex.ErrorId);
        Assert.Contains("nothing was written", ex.Message);
        File.WriteAllText(P("existing"), "x"); // an existing file without extension is a file, not a folder
        Assert.Equal(ErrorIds.OutputPathReused, Assert.Throws<ModelCostException>(() => ExportTargets.Decide(P("existing"), false, ["A", "B"], ".yaml")).ErrorId);
    }

    [Fact]
    public void TwoObjectsWithOneNameAreRefused()
    {
        var ex = Assert.Throws<ModelCostException>(() => ExportTargets.Decide(P("dir"), true, ["MLP", "CNN", "MLP"], ".yaml"));
        Assert.Equal(ErrorIds.OutputPathReused, ex.ErrorId);
        Assert.Contains("'MLP'", ex.Message);
        Assert.Equal("a_b", ExportTargets.SafeFileName("a/b"));
    }
}
