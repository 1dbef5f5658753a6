using ModelCost.Core.Errors;
using Xunit;

namespace ModelCost.Core.Tests.IO;

/// <summary>The two bare .NET exceptions of issue 15 item 3 become errors with ids; anything else is left alone.</summary>
public sealed class ResourceExhaustionTests
{
    [Fact]
    public void Out_of_memory_becomes_InsufficientMemory_naming_the_model_and_what_is_available()
    {
        var ex = ResourceExhaustion.Translate(new OutOfMemoryException(), "Big");
        Assert.NotNull(ex);
        Assert.Equal(ErrorIds.InsufficientMemory, ex.ErrorId);
        Assert.StartsWith("Model 'Big':", ex.Message);
        Assert.Contains("MB available", ex.Message);
        Assert.IsType<OutOfMemoryException>(ex.InnerException);
    }

    [Fact]
    public void Overflow_becomes_ModelTooLarge()
    {
        var ex = ResourceExhaustion.Translate(new OverflowException("Arithmetic operation resulted in an overflow."));
        Assert.Equal(ErrorIds.ModelTooLarge, ex!.ErrorId);
        Assert.Contains("overflow", ex.Message);
    }

    [Fact]
    public void Other_exceptions_are_not_translated()
    {
        Assert.Null(ResourceExhaustion.Translate(new InvalidOperationException()));
        Assert.False(ResourceExhaustion.Handles(new IOException()));
        Assert.True(ResourceExhaustion.Handles(new InsufficientMemoryException()));
    }
}
