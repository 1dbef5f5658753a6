using System.Management.Automation;
using ModelCost.Core.Errors;
using ModelCost.PS.Infrastructure;
using Xunit;

namespace ModelCost.PS.Tests;

/// <summary>How the core's errors become ErrorRecords: id, category, target, and where/how to fix it.</summary>
public sealed class ErrorRecordFactoryTests
{
    [Fact]
    public void Id_category_and_target_come_from_the_exception()
    {
        var ex = new ModelCostException(ErrorIds.UnknownLayerType, ModelCostErrorCategory.InvalidArgument, "unknown layer type 'Foo'", "Foo(2)");
        var record = ErrorRecordFactory.FromException(ex, fallbackTarget: "spec");
        Assert.Equal("UnknownLayerType", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal("Foo(2)", record.TargetObject);
        Assert.Same(ex, record.Exception);
    }

    [Fact]
    public void The_file_is_the_target_when_there_is_none_and_the_fallback_after_that()
    {
        var withFile = new ModelCostException(ErrorIds.YamlSyntax, ModelCostErrorCategory.ParserError, "bad", target: null) { File = "/x/spec.yaml" };
        Assert.Equal("/x/spec.yaml", ErrorRecordFactory.FromException(withFile, "fallback").TargetObject);
        var bare = new ModelCostException(ErrorIds.YamlSyntax, ModelCostErrorCategory.ParserError, "bad");
        Assert.Equal("fallback", ErrorRecordFactory.FromException(bare, "fallback").TargetObject);
    }

    [Fact]
    public void Where_and_how_to_fix_go_to_the_recommended_action_in_PowerShell_terms()
    {
        var ex = new ModelCostException(ErrorIds.YamlSchema, ModelCostErrorCategory.InvalidData, "spec.inputShape must be an integer")
        { File = "/x/spec.yaml", Line = 4, Column = 25, LayerIndex = 2, LayerName = "dense", Option = "units" };
        Assert.Equal("Check file /x/spec.yaml:4:25, layer 2 ('dense'), option 'units'.", ErrorRecordFactory.FromException(ex).ErrorDetails.RecommendedAction);

        // The core says the model has no input shape; the cmdlet says which parameter gives one.
        var shape = new ModelCostException(ErrorIds.InvalidInputShape, ModelCostErrorCategory.InvalidArgument, "Model 'm' has no input shape") { Option = "InputShape" };
        Assert.Equal("Check option 'InputShape'. Pass -InputShape (e.g. 28,28,1) or give the first layer input_shape=(28, 28, 1).",
            ErrorRecordFactory.FromException(shape).ErrorDetails.RecommendedAction);
        var threads = new ModelCostException(ErrorIds.InvalidLatencyOption, ModelCostErrorCategory.InvalidArgument, "bad threads") { Option = "Threads" };
        Assert.Contains("-ThrottleLimit", ErrorRecordFactory.FromException(threads).ErrorDetails.RecommendedAction);
        // Nothing to add: no ErrorDetails, the message stands alone.
        Assert.Null(ErrorRecordFactory.FromException(new ModelCostException(ErrorIds.EmptyModel, ModelCostErrorCategory.InvalidArgument, "empty")).ErrorDetails);
    }

    [Theory]
    [InlineData(ModelCostErrorCategory.InvalidData, ErrorCategory.InvalidData)]
    [InlineData(ModelCostErrorCategory.OperationStopped, ErrorCategory.OperationStopped)]
    [InlineData(ModelCostErrorCategory.NotImplemented, ErrorCategory.NotImplemented)]
    [InlineData(ModelCostErrorCategory.ResourceUnavailable, ErrorCategory.ResourceUnavailable)]
    public void Categories_map_one_to_one(ModelCostErrorCategory core, ErrorCategory ps) => Assert.Equal(ps, ErrorRecordFactory.Map(core));

    [Fact]
    public void Every_core_category_has_its_PowerShell_namesake()
    {
        foreach (var c in Enum.GetValues<ModelCostErrorCategory>())
            Assert.Equal(c.ToString(), ErrorRecordFactory.Map(c).ToString());
    }

    [Fact]
    public void Errors_the_cmdlet_raises_itself_carry_their_id()
    {
        var record = ErrorRecordFactory.Create(CmdletErrorIds.PathNotFound, ErrorCategory.ObjectNotFound, "Cannot find path 'x'.", "x");
        Assert.Equal("PathNotFound", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
        Assert.Equal("x", record.TargetObject);
    }
}
