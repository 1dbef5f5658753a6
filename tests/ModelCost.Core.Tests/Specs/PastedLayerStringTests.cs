using ModelCost.Core.Errors;
using ModelCost.Core.Specs;
using ModelCost.Core.Specs.KerasCode;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>The forms of issue 16 item 4: lines pasted from Keras code into New-ModelSpec -Layer, read as Keras means them.</summary>
public class PastedLayerStringTests
{
    private static ModelSpec Create(int[]? input, params object[] layers) => LayerSpecFactory.Create("m", input, layers);

    private static long Params(ModelSpec s) => ShapeInference.Resolve(s).Layers.Sum(l => l.Params);

    [Fact]
    public void InputLayerAndKerasInputSetTheInputShape()
    {
        // Seed 003 Q1, line by line: 784·512+512 + 512·256+256 + 256·128+128 + 128·1+1 = 566,273.
        var q1 = Create(null,
            "model.add(layers.InputLayer(input_shape=(784,)))",
            "model.add(layers.Dense(512, activation='relu'))",
            "model.add(layers.Dense(256, activation='relu'))",
            "model.add(layers.Dense(128, activation='relu'))",
            "model.add(layers.Dense(1, activation='sigmoid'))");
        Assert.Equal([784], q1.InputShape);
        Assert.Equal(4, q1.Layers.Count);
        Assert.Equal(566_273, Params(q1));
        var viaInput = Create(null, "keras.Input(shape=(784,))", "Dense(512, activation='relu')", "Dense(256, activation='relu')",
            "Dense(128, activation='relu')", "Dense(1, activation='sigmoid')");
        Assert.Equal(q1, viaInput);
        Assert.Equal([784], Create(null, "tf.keras.layers.InputLayer(shape=(784,))", "Dense(1)").InputShape); // Keras 3 spelling
        Assert.Equal([28, 28, 1], Create(null, "layers.Input(batch_shape=(None, 28, 28, 1))", "Flatten()", "Dense(1)").InputShape);
    }

    [Fact]
    public void InputLayerMustComeFirstAndAgreeWithInputShape()
    {
        var late = Assert.Throws<ModelCostException>(() => Create(null, "Dense(3, input_shape=(4,))", "keras.Input(shape=(3,))"));
        Assert.Equal(ErrorIds.InvalidInputShape, late.ErrorId);
        Assert.Equal(1, late.LayerIndex);
        var disagree = Assert.Throws<ModelCostException>(() => Create([5], "keras.Input(shape=(4,))", "Dense(3)"));
        Assert.Equal(ErrorIds.InvalidInputShape, disagree.ErrorId);
        Assert.Contains("disagrees with the given input shape (5,)", disagree.Message);
        // A shape naming values a string cannot evaluate takes -InputShape's numbers.
        Assert.Equal([28, 28, 1], Create([28, 28, 1], "Input(shape=(kernel_height, kernel_width, 1))", "Flatten()", "Dense(2)").InputShape);
        var missing = Assert.Throws<ModelCostException>(() => Create(null, "Input(shape=(kernel_height, kernel_width, 1))", "Flatten()", "Dense(2)"));
        Assert.Equal("InputShape", missing.Option); // the cmdlet recommends -InputShape for it
        Assert.Contains("give the input shape as numbers", missing.Message);
        // The public single-layer API refuses an input call: it is not a layer.
        Assert.Equal(ErrorIds.InvalidLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("keras.Input(shape=(3,))")).ErrorId);
    }

    [Fact]
    public void FunctionalCallsAndAssignmentsReadAsASequence()
    {
        var a = LayerSpecParser.Parse("Conv2D(50, (3, 3), activation=\"relu\", padding=\"same\")(self.input_layer)");
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 50, KernelSize = [3, 3], Activation = "relu", Padding = "same" }, a);
        Assert.Equal(a, LayerSpecParser.Parse("self.conv_layer = Conv2D(50, (3, 3), activation=\"relu\", padding=\"same\")(self.input_layer)"));
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 256, Activation = "relu" }, LayerSpecParser.Parse("x = layers.Dense(256, activation='relu')(x)  # hidden"));
        // A list item pasted with its trailing comma.
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 256, Activation = "relu" }, LayerSpecParser.Parse("    layers.Dense(256, activation=\"relu\"),"));
        // Merges need their inputs named; a lone string cannot see the code's variables.
        var merge = Assert.Throws<ModelCostException>(() => Create([4], "Dense(4)", "Add()([a, b])"));
        Assert.Contains("give the whole model as Keras code", merge.Message); // the cmdlet names New-ModelSpec -KerasCode (ModelCost.PS.Tests)
        // Whole models belong to -KerasCode.
        Assert.Contains("as Keras code", Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("keras.Sequential([layers.Dense(2)])")).Message);
        // Still not evaluated: a call that is not a regularizer, and a receiver that is not a model.add.
        Assert.Equal(ErrorIds.LayerStringSyntax, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(10)(os.system('x'))")).ErrorId);
        Assert.Equal(ErrorIds.LayerStringSyntax, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("model.add(os.system('x'))")).ErrorId);
    }

    [Fact]
    public void RegularizersAreParsed()
    {
        Assert.Equal(new Regularizer { L2 = 0.001 }, LayerSpecParser.Parse("Dense(10, kernel_regularizer=l2(0.001))").KernelRegularizer);
        Assert.Equal(new Regularizer { L2 = 0.001 }, LayerSpecParser.Parse("Dense(10, kernel_regularizer=regularizers.l2(l2=0.001))").KernelRegularizer);
        Assert.Equal(new Regularizer { L2 = 1e-4 }, LayerSpecParser.Parse("Dense(10, kernel_regularizer=tf.keras.regularizers.L2(1e-4))").KernelRegularizer);
        Assert.Equal(new Regularizer { L1 = 0.01 }, LayerSpecParser.Parse("Dense(10, bias_regularizer=l1())").BiasRegularizer);            // Keras default 0.01
        Assert.Equal(new Regularizer { L2 = 0.01 }, LayerSpecParser.Parse("Dense(10, kernel_regularizer='l2')").KernelRegularizer);       // the string means l2(0.01)
        Assert.Equal(new Regularizer { L1 = 1e-5, L2 = 1e-4 }, LayerSpecParser.Parse("Conv2D(8, 3, kernel_regularizer=l1_l2(l1=1e-5, l2=1e-4))").KernelRegularizer);
        Assert.Equal(new Regularizer { L2 = 0.5 }, LayerSpecParser.Parse("Dense(10, kernel_regularizer=L1L2(l2=0.5))").KernelRegularizer); // class default l1 = 0
        Assert.Equal(new Regularizer { L2 = 0.01 }, LayerSpecParser.Parse("LSTM(4, recurrent_regularizer=l2())").RecurrentRegularizer);
        Assert.Equal(new Regularizer { L2 = 0.01 }, LayerSpecParser.Parse("BatchNormalization(gamma_regularizer=l2())").GammaRegularizer);
        Assert.Null(LayerSpecParser.Parse("Dense(10, kernel_regularizer=None)").KernelRegularizer);
        // l1_l2() without factors means 0.01 each in Keras 2 but 0 in Keras 3: refused rather than guessed.
        Assert.Contains("Keras 3", Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(10, kernel_regularizer=l1_l2())")).Message);
        Assert.Equal(ErrorIds.InvalidLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(10, kernel_regularizer=l2(-1))")).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Flatten(kernel_regularizer=l2(0.1))")).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(10, activity_regularizer=l2(0.1))")).ErrorId);
        Assert.Equal(ErrorIds.LayerStringSyntax, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(10, kernel_regularizer=evil(1))")).ErrorId);
        // Hashtables take the same regularizers.
        var h = LayerSpecFactory.FromDictionary(new System.Collections.Hashtable { ["Type"] = "Dense", ["Units"] = 3, ["KernelRegularizer"] = "l2(0.001)", ["BiasRegularizer"] = new System.Collections.Hashtable { ["L1"] = 0.5 } });
        Assert.Equal(new Regularizer { L2 = 0.001 }, h.KernelRegularizer);
        Assert.Equal(new Regularizer { L1 = 0.5 }, h.BiasRegularizer);
    }

    [Fact]
    public void RegularizersSurviveYaml()
    {
        var spec = Create([4],
            "Dense(8, activation='relu', kernel_regularizer=l2(0.001), bias_regularizer=l1(0.01))",
            "BatchNormalization(axis=-1, gamma_regularizer=l1_l2(l1=0.1, l2=0.2))",
            "LeakyReLU()",
            "Dense(2, activation='softmax', kernel_regularizer=l1_l2(l1=1e-5, l2=1e-4))");
        var yaml = ModelSpecYaml.Serialize(spec);
        Assert.Contains("kernel_regularizer: {l2: 0.001}", yaml);
        Assert.Contains("bias_regularizer: {l1: 0.01}", yaml);
        Assert.Contains("gamma_regularizer: {l1: 0.1, l2: 0.2}", yaml);
        Assert.Contains("negative_slope: 0.3", yaml);
        Assert.Equal(spec, ModelSpecYaml.Parse(yaml));
        // Keras strings work in YAML too, and bad ones name the line.
        var s = ModelSpecYaml.Parse("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputShape: [4]\n  layers:\n    - {type: Dense, units: 2, kernel_regularizer: 'l2(0.5)'}\n    - Dense(1, kernel_regularizer=l2(0.25))\n");
        Assert.Equal(new Regularizer { L2 = 0.5 }, s.Layers[0].KernelRegularizer);
        Assert.Equal(new Regularizer { L2 = 0.25 }, s.Layers[1].KernelRegularizer);
        var bad = Assert.Throws<ModelCostException>(() => ModelSpecYaml.Parse("apiVersion: modelcost/v1\nkind: ModelSpec\nmetadata: {name: m}\nspec:\n  inputShape: [4]\n  layers:\n    - {type: Dense, units: 2, kernel_regularizer: {l3: 1}}\n"));
        Assert.Equal(7, bad.Line);
    }

    [Fact]
    public void KerasDefaultValuedOptionsAreAccepted()
    {
        Assert.Equal(new LayerSpec { Type = "BatchNormalization", Axis = -1 }, LayerSpecParser.Parse("BatchNormalization(axis=-1)"));
        Assert.Equal(32 * 4, Params(Create([8, 8, 32], "BatchNormalization(axis=-1)")));
        Assert.Equal(32 * 4, Params(Create([8, 8, 32], "BatchNormalization(axis=3)"))); // the channels axis counted with batch
        var other = Assert.Throws<ModelCostException>(() => Create([8, 8, 32], "BatchNormalization(axis=1)"));
        Assert.Equal(ErrorIds.InvalidLayerOption, other.ErrorId);
        Assert.Equal("axis", other.Option);
        Assert.Equal(new LayerSpec { Type = "Conv2D", Filters = 8, KernelSize = [3] },
            LayerSpecParser.Parse("Conv2D(8, 3, data_format='channels_last', dilation_rate=(1, 1), groups=1, kernel_constraint=None, trainable=True)"));
        Assert.Equal(new LayerSpec { Type = "LSTM", Units = 4 },
            LayerSpecParser.Parse("LSTM(4, return_state=False, go_backwards=False, stateful=False, unroll=False, dropout=0.0, recurrent_dropout=0, unit_forget_bias=True)"));
        Assert.Equal(new LayerSpec { Type = "Dropout", Rate = 0.5 }, LayerSpecParser.Parse("Dropout(0.5, noise_shape=None, seed=42)"));
        Assert.Equal(new LayerSpec { Type = "GlobalAveragePooling2D" }, LayerSpecParser.Parse("GlobalAveragePooling2D(keepdims=False, data_format=None)"));
        // Anything but the default is refused, naming what is supported.
        var ex = Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Conv2D(8, 3, data_format='channels_first')"));
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Contains("'channels_last'", ex.Message);
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Dense(3, trainable=False)")).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("LSTM(3, return_state=True)")).ErrorId);
    }

    [Fact]
    public void ActivationLayerClasses()
    {
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "relu" }, LayerSpecParser.Parse("ReLU()"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "relu6" }, LayerSpecParser.Parse("layers.ReLU(max_value=6)"));
        // Keras' LeakyReLU layer defaults to a slope of 0.3 (the leaky_relu activation to 0.2): the spec keeps 0.3.
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "leaky_relu", NegativeSlope = 0.3 }, LayerSpecParser.Parse("LeakyReLU()"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "leaky_relu", NegativeSlope = 0.1 }, LayerSpecParser.Parse("LeakyReLU(alpha=0.1)"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "leaky_relu", NegativeSlope = 0.1 }, LayerSpecParser.Parse("LeakyReLU(negative_slope=0.1)"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "softmax", Name = "probs" }, LayerSpecParser.Parse("Softmax(name='probs')"));
        Assert.Equal(new LayerSpec { Type = "Activation", Activation = "elu" }, LayerSpecParser.Parse("ELU()"));
        Assert.Equal(new LayerSpec { Type = "Dense", Units = 4, Activation = "relu" }, LayerSpecParser.Parse("Dense(4, activation=tf.nn.relu)"));
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("ReLU(max_value=4)")).ErrorId);
        Assert.Equal(ErrorIds.UnknownLayerOption, Assert.Throws<ModelCostException>(() => LayerSpecParser.Parse("Softmax(axis=1)")).ErrorId);
        // No parameters: an activation layer adds none.
        Assert.Equal(4 * 3 + 3, Params(Create([4], "Dense(3)", "LeakyReLU()")));
    }

    [Fact]
    public void CodeReaderReadsFunctionalBranchesAndConstants()
    {
        const string code = """
            units = 8
            inp = keras.Input(shape=(16,), name="features")
            a = layers.Dense(units, activation="relu")(inp)
            b = layers.Dense(units)(inp)
            s = layers.add([a, b])
            c = layers.Concatenate()([s, a])
            out = layers.Dense(2, activation="softmax", name="out")(c)
            model = keras.Model(inputs=inp, outputs=out, name="branches")
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            """;
        var spec = Assert.Single(KerasCodeReader.Read(code));
        Assert.Equal("branches", spec.Name);
        Assert.Equal([16], spec.InputShape);
        Assert.Null(spec.Layers[0].Inputs);                        // follows the input
        Assert.Equal(["input"], spec.Layers[1].Inputs!);           // a second branch from the input
        Assert.Equal(["dense", "dense_1"], spec.Layers[2].Inputs!);
        Assert.Equal(["add", "dense"], spec.Layers[3].Inputs!);
        // dense 16·8+8 = 136; dense_1 136; concatenate → 16; out 16·2+2 = 34 → 306.
        Assert.Equal(306, Params(spec));
    }

    [Fact]
    public void CodeReaderErrorsNameTheLine()
    {
        var ex = Assert.Throws<ModelCostException>(() => KerasCodeReader.Read("model = keras.Sequential()\nmodel.add(layers.Dense(3, input_shape=(4,)))\nmodel.add(layers.Dense(2, activaton='relu'))\n"));
        Assert.Equal(ErrorIds.UnknownLayerOption, ex.ErrorId);
        Assert.Equal(3, ex.Line);
        Assert.Contains("Did you mean 'activation'", ex.Message);
        var add = Assert.Throws<ModelCostException>(() => KerasCodeReader.Read("model.add(layers.Dense(2))\n"));
        Assert.Contains("no Sequential model was assigned to 'model'", add.Message);
        var shape = Assert.Throws<ModelCostException>(() => KerasCodeReader.Read("m = keras.Sequential([layers.Dense(2), layers.Flatten()], name='x')", inputShape: [4]));
        Assert.Equal(ErrorIds.FlattenOfFlatInput, shape.ErrorId);
        Assert.Equal(1, shape.LayerIndex);
        Assert.Equal(ErrorIds.EmptyModel, Assert.Throws<ModelCostException>(() => KerasCodeReader.Read("print('hello')\nimport os\n")).ErrorId);
        var two = Assert.Throws<ModelCostException>(() => KerasCodeReader.Read("a = keras.Sequential([layers.Dense(2, input_shape=(3,))])\nb = keras.Sequential([layers.Dense(2, input_shape=(3,))])", name: "x"));
        Assert.Contains("2 models", two.Message);
    }
}
