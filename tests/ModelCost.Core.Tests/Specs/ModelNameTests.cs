using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>Model names are capped wherever a spec comes from (issue 15: a 5,000,000-character name gave a 10 MB error).</summary>
public sealed class ModelNameTests
{
    private static ModelSpec Spec(string name) =>
        new() { Name = name, InputShape = [4], Layers = [LayerSpecParser.Parse("Dense(3)")] };

    [Fact]
    public void A_name_of_200_characters_is_accepted() =>
        Assert.Equal(200, Spec(new string('a', 200)).Name.Length);

    [Fact]
    public void A_huge_name_is_refused_with_a_short_message()
    {
        var ex = Assert.Throws<ModelCostException>(() => Spec(new string('a', 5_000_000)));
        Assert.Equal(ErrorIds.InvalidModelName, ex.ErrorId);
        Assert.Contains("5,000,000 characters", ex.Message);
        // The message shows 40 characters of the name, not the name.
        Assert.True(ex.Message.Length < 300, $"message is {ex.Message.Length} characters");
    }

    [Fact]
    public void Quotes_and_newlines_stay_valid_names()
    {
        // The YAML and Python writers escape them (ModelSpecYamlTests, PyTorchExportTests); only length is capped.
        Assert.Equal("a\n\"b\"", Spec("a\n\"b\"").Name);
    }

    [Fact]
    public void A_YAML_spec_with_a_long_name_is_refused_with_the_same_id()
    {
        var yaml = $"apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata:\n  name: {new string('n', 300)}\nspec:\n  inputShape: [4]\n  layers:\n    - Dense(3)\n";
        var ex = Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse(yaml, "long.yaml"));
        Assert.Equal(ErrorIds.InvalidModelName, ex.ErrorId);
    }
}
