using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

public class LayerSpecParserTests
{
    private static ModelCostException Fails(string text) => Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse(text));

    [Fact]
    public void ParsesTheIssueExamples()
    {
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 16, KernelSize = [3], Activation = "relu" }, LayerSpecParser.Parse("Conv2D(16, 3, activation=relu)"));
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 50, KernelSize = [3, 3], Activation = "relu", Padding = "same" },
            LayerSpecParser.Parse("Conv2D(50, (3, 3), activation=\"relu\", padding=\"same\")"));
        Assert.Equal(new LayerSpec { Type = "MaxPooling2D", PoolSize = [2, 2] }, LayerSpecParser.Parse("MaxPooling2D((2, 2))"));
        Assert.Equal(new LayerSpec { Type = "Flatten" }, LayerSpecParser.Parse("Flatten()"));
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 10, Activation = "softmax" }, LayerSpecParser.Parse("Dense(10, activation=\"softmax\")"));
        Assert.Equal(new LayerSpec { Type = "LSTM", Units = 3 }, LayerSpecParser.Parse("LSTM(3)"));
    }

    [Theory]
    [InlineData("layers.Dense(64)")]
    [InlineData("keras.layers.Dense(64)")]
    [InlineData("tf.keras.layers.Dense(64)")]
    [InlineData("  Dense ( 64 , ) ")]
    [InlineData("dense(64)")]
    public void StripsPrefixesAndWhitespace(string text) =>
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 64 }, LayerSpecParser.Parse(text));

    [Fact]
    public void PositionalArgumentsFollowKerasOrder()
    {
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 8, KernelSize = [3], Strides = [2], Padding = "same" }, LayerSpecParser.Parse("Conv2D(8, 3, 2, 'same')"));
        Assert.Equal(new LayerSpec { Type = "DepthwiseConv2D", KernelSize = [3], Strides = [1], Padding = "valid" }, LayerSpecParser.Parse("DepthwiseConv2D(3, 1, 'valid')"));
        Assert.Equal(new LayerSpec { Type = "MaxPooling2D", PoolSize = [3], Strides = [2], Padding = "same" }, LayerSpecParser.Parse("MaxPool2D(3, 2, 'same')"));
        Assert.Equal(new LayerSpec { Type = "Dropout", Rate = 0.25 }, LayerSpecParser.Parse("Dropout(0.25)"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "tanh" }, LayerSpecParser.Parse("Activation('tanh')"));
        Assert.Equal(new LayerSpec { Type = "ZeroPadding2D", ZeroPadding = [1, 2, 3, 4] }, LayerSpecParser.Parse("ZeroPadding2D(((1, 2), (3, 4)))"));
        Assert.Equal(new LayerSpec { Type = "Concatenate", Axis = -1, Inputs = ["a", "b"] }, LayerSpecParser.Parse("Concatenate(-1, inputs=['a', 'b'])"));
        Assert.Equal(new LayerSpec { Type = "GRU", Units = 4, ReturnSequences = true, ResetAfter = false }, LayerSpecParser.Parse("GRU(4, return_sequences=True, reset_after=False)"));
    }

    [Fact]
    public void InputShapeIsReturnedAndIgnoredOptionsAreDropped()
    {
        var (layer, shape) = LayerSpecParser.ParseWithInputShape("Conv2D(16, 3, activation='relu', input_shape=(28, 28, 1), kernel_initializer='he_normal', name='c1')");
        Assert.Equal([28, 28, 1], shape!);
        Assert.Equal(new LayerSpec { Type = "Conv2D", Name = "c1", Filters = 16, KernelSize = [3], Activation = "relu" }, layer);
        Assert.Equal([784], LayerSpecParser.ParseWithInputShape("Dense(10, input_shape=(784,))").InputShape!);
        Assert.Null(LayerSpecParser.ParseWithInputShape("Dense(10)").InputShape);
        Assert.Equal([784], LayerSpecParser.ParseWithInputShape("Dense(64, input_dim=784)").InputShape!);
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(64, input_dim=784, input_shape=(784,))").ErrorId);
    }

    [Fact]
    public void ValuesCanBeQuotedBareOrNone()
    {
        Assert.Equal(LayerSpecParser.Parse("Dense(3, activation='relu')"), LayerSpecParser.Parse("Dense(3, activation=relu)"));
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 3, UseBias = false }, LayerSpecParser.Parse("Dense(3, activation=None, use_bias=False)"));
        Assert.Equal(new LayerSpec { Type = "BatchNormalization", Epsilon = 1e-5, Momentum = 0.9 }, LayerSpecParser.Parse("BatchNormalization(epsilon=1e-5, momentum=.9)"));
    }

    [Theory]
    [InlineData("Dense(10", 9, "never closed")]                 // unbalanced: column after the last char
    [InlineData("Conv2D(8, (3, 3)", 17, "never closed")]       // the argument list, not the tuple, is left open
    [InlineData("Conv2D(8, (3, 3", 11, "never closed")]         // the tuple opened at column 11 is never closed
    [InlineData("Conv2D(8, (3, 3, activation='relu')", 28, "expected ','")]
    [InlineData("Dense(10))", 10, "after the closing")]
    [InlineData("Dense 10", 7, "expected '('")]
    [InlineData("Dense(10, activation=os.system('rm -rf /'))", 22, "nothing is evaluated")]
    [InlineData("Dense(__import__('os'))", 7, "nothing is evaluated")]
    [InlineData("Dense(units=10, 5)", 17, "positional argument follows")]
    [InlineData("Dense(10, activation='relu)", 22, "never closed")]
    [InlineData("", 1, "empty")]
    [InlineData("foo.Dense(3)", 1, "prefix")]
    public void SyntaxErrorsNameTheColumn(string text, int column, string reason)
    {
        var ex = Fails(text);
        Assert.Equal(ErrorIds.LayerStringSyntax, ex.ErrorId);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Message);
        Assert.Contains($"column {column}", ex.Message);
    }

    [Fact]
    public void UnknownTypeSuggestsClosest()
    {
        Assert.Equal("Conv2D", LayerSpecParser.Parse("conv2d(3, 3)").Type); // canonical names are case-insensitive
        var ex = Fails("Convv2D(3, 3)");
        Assert.Equal(ErrorIds.UnknownLayerType, ex.ErrorId);
        Assert.Contains("Did you mean 'Conv2D'", ex.Message);
        Assert.Equal(1, ex.Column);
    }

    [Fact]
    public void UnknownAndInapplicableOptions()
    {
        var ex = Fails("Dense(10, activaton='relu')");
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Equal("activaton", ex.Option);
        Assert.Equal(11, ex.Column);
        Assert.Contains("Did you mean 'activation'", ex.Message);
        var ex2 = Fails("Dense(10, filters=3)");
        Assert.Equal(ErrorIds.UnknownLayerOption, ex2.ErrorId);
        Assert.Contains("does not apply to Dense", ex2.Message);
        Assert.Equal(ErrorIds.UnknownLayerOption, Fails("Conv2D(8, 3, dilation_rate=2)").ErrorId);
    }

    [Fact]
    public void WrongValueTypesAndRangesAreInvalidOptions()
    {
        var ex = Fails("Dense('ten')");
        Assert.Equal(ErrorIds.InvalidLayerOption, ex.ErrorId);
        Assert.Equal("units", ex.Option);
        Assert.Equal(7, ex.Column);
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(10.5)").ErrorId);
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(True)").ErrorId);
        // 2^40 does not fit an int: a clear error, not an overflow.
        var big = Fails("Dense(1099511627776)");
        Assert.Equal(ErrorIds.InvalidLayerOption, big.ErrorId);
        Assert.Contains("beyond", big.Message);
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(99999999999999999999999999999999)").ErrorId);
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(10, 20)").ErrorId);          // Dense takes one positional
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(10, units=20)").ErrorId);    // given twice
        Assert.Equal(ErrorIds.InvalidLayerOption, Fails("Dense(10, input_shape=(None, 3))").ErrorId);
    }

    [Fact]
    public void LengthAndNestingAreBounded()
    {
        Assert.Equal(ErrorIds.SpecTooLarge, Fails("Dense(" + new string(' ', LayerSpecParser.MaxLength) + "1)").ErrorId);
        Assert.Equal(ErrorIds.SpecTooLarge, Fails("ZeroPadding2D(" + new string('(', 20) + "1" + new string(')', 21)).ErrorId);
    }
}
