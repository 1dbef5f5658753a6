using ModelCost.Core.Specs;
using ModelCost.Core.Specs.KerasCode;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>
/// Each seed's model-building code, pasted exactly as the seed prints it (Fixtures/seedcode/*.py are
/// copies of whole notebook cells, prompts, helper functions and prints included), read by
/// <see cref="KerasCodeReader"/>; the counts are derived by hand below and agree with what the seeds print.
/// Seed 004 shows no code (only Keras summaries); its test writes the DeeperClassifier as Keras code
/// matching that summary.
/// </summary>
public class SeedCodeTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Specs", "Fixtures", "seedcode", name));

    private static (long Total, long Trainable) Counts(ModelSpec spec)
    {
        var r = ShapeInference.Resolve(spec);
        return (r.Layers.Sum(l => l.Params), r.Layers.Sum(l => l.TrainableParams));
    }

    [Fact]
    public void Seed000BuildMlpAndCnnCells()
    {
        // Both cells pasted at once (with their "In [4]:" prompts, compile, summary and return lines).
        var models = KerasCodeReader.Read(Fixture("seed000_build_mlp_and_cnn.py"));
        Assert.Equal(["MLP_FashionMNIST", "CNN_FashionMNIST"], models.Select(m => m.Name));
        // MLP on (28, 28): 784·256+256 = 200,960; 256·128+128 = 32,896; 128·10+10 = 1,290 → 235,146 (seed: 235146).
        Assert.Equal([28, 28], models[0].InputShape);
        Assert.Equal((235_146L, 235_146L), Counts(models[0]));
        // CNN on (28, 28, 1): conv 3·3·1·16+16 = 160 → 26×26×16 → pool 13×13; conv 3·3·16·32+32 = 4,640 → 11×11×32
        // → pool 5×5×32 = 800; dense 800·64+64 = 51,264; 64·10+10 = 650 → 56,714 (seed: 56714).
        Assert.Equal((56_714L, 56_714L), Counts(models[1]));
    }

    [Fact]
    public void Seed001SequentialCells()
    {
        var mlp = Assert.Single(KerasCodeReader.Read(Fixture("seed001_mlp_model.py")));
        Assert.Equal("MLP_Model", mlp.Name);
        Assert.Equal((235_146L, 235_146L), Counts(mlp)); // as seed 000's MLP
        var cnn = Assert.Single(KerasCodeReader.Read(Fixture("seed001_cnn_model.py"))); // kernel_size=3, pool_size=2 keywords, comments inside the list
        Assert.Equal("CNN_Model", cnn.Name);
        Assert.Equal((56_714L, 56_714L), Counts(cnn));
    }

    [Fact]
    public void Seed002FunctionalClasses()
    {
        // Input(shape=(kernel_height, kernel_width, 1)) names __init__ arguments; Model1(28, 28) supplies them: -InputShape 28,28,1.
        var m1 = Assert.Single(KerasCodeReader.Read(Fixture("seed002_model1.py"), name: "Model1", inputShape: [28, 28, 1]));
        // conv 3·3·1·50+50 = 500 (same → 28×28×50) → pool 14×14; conv 2·2·50·50+50 = 10,050 → pool 7×7×50 = 2,450;
        // dense 2,450·256+256 = 627,456; 256·128+128 = 32,896; 128·64+64 = 8,256; 64·10+10 = 650 → 679,808 (seed: 679,808).
        Assert.Equal((679_808L, 679_808L), Counts(m1));
        Assert.All(m1.Layers, l => Assert.Null(l.Inputs)); // a straight chain of functional calls reads as a sequence

        var m2 = Assert.Single(KerasCodeReader.Read(Fixture("seed002_model2.py"), inputShape: [28, 28, 1]));
        Assert.Equal("functional", m2.Name); // no name= in the code: Keras 3's automatic name
        // conv 3·3·1·32+32 = 320; BN 4·32 = 128 (64 non-trainable); pool 14×14; conv 2·2·32·64+64 = 8,256; BN 256 (128 non-trainable);
        // pool 7×7×64 = 3,136; dense 3,136·32+32 = 100,384; 32·10+10 = 330 → 109,674 total, 109,482 trainable (seed: 109,482).
        Assert.Equal((109_674L, 109_482L), Counts(m2));

        var m3 = Assert.Single(KerasCodeReader.Read(Fixture("seed002_model3.py"), inputShape: [28, 28, 1]));
        // conv 640; BN 256; pool 14; conv 3·3·64·128+128 = 73,856; BN 512; pool 7; separable 2×2: 2·2·128 + 128·256 + 256 = 33,536;
        // BN 1,024; flatten 7·7·256 = 12,544; dense 12,544·128+128 = 1,605,760; 8,256; 64·32+32 = 2,080; 330
        // → 1,726,250 total, non-trainable 2·(64+128+256) = 896, trainable 1,725,354 (seed: 1,725,354).
        Assert.Equal((1_726_250L, 1_725_354L), Counts(m3));
    }

    [Fact]
    public void Seed002WithoutTheInputShapeSaysWhatIsMissing()
    {
        var ex = Assert.Throws<ModelCost.Core.Errors.ModelCostException>(() => KerasCodeReader.Read(Fixture("seed002_model1.py")));
        Assert.Equal("InvalidInputShape", ex.ErrorId);
        Assert.Contains("'kernel_height', 'kernel_width'", ex.Message);
        Assert.Contains("give the input shape as numbers", ex.Message);
        Assert.Equal("InputShape", ex.Option); // the cmdlet recommends -InputShape for it
        Assert.Equal(18, ex.Line); // the Input(...) line of the pasted cell
    }

    [Theory]
    // Q1: 784·512+512 = 401,920; 512·256+256 = 131,328; 256·128+128 = 32,896; 128·1+1 = 129 → 566,273 (seed: 566273).
    [InlineData("seed003_q1_cell56.py", 566_273L)]
    // Q2: as Q1 but 128·10+10 = 1,290 last → 567,434 (seed: 567434).
    [InlineData("seed003_q2_cell57.py", 567_434L)]
    // Q3 (28,28,1): conv 320 → 26 → pool 13; conv 3·3·32·64+64 = 18,496 → 11 → pool 5×5×64 = 1,600; 1,600·64+64 = 102,464; 650 → 121,930.
    [InlineData("seed003_q3_cell19.py", 121_930L)]
    // Q4 (32,32,3): conv 3·3·3·32+32 = 896 → 30 → 15; conv 18,496 → 13 → 6; conv 3·3·64·128+128 = 73,856 → 4×4×128 = 2,048;
    // 2,048·128+128 = 262,272; 1,290 → 356,810.
    [InlineData("seed003_q4_cell21.py", 356_810L)]
    // Q5 (16,64,64,1): conv3d 27·32+32 = 896 → (14,62,62,32) → pool (7,31,31); conv3d 27·32·64+64 = 55,360 → (5,29,29,64)
    // → pool (2,14,14,64) = 25,088; 25,088·128+128 = 3,211,392; 128·5+5 = 645 → 3,268,293.
    [InlineData("seed003_q5_cell31.py", 3_268_293L)]
    // Q6: constants input_size=4, hidden_units=3, output_size=2, sequence_length=5; SimpleRNN 3·(3+4)+3 = 24; Dense 3·2+2 = 8 → 32.
    [InlineData("seed003_q6_cell27.py", 32L)]
    // Q7: LSTM(hidden_size=3, input_shape=(1, input_size=4)): 4·((4+3)·3+3) = 96.
    [InlineData("seed003_q7_cell26.py", 96L)]
    public void Seed003WholeCells(string file, long expected)
    {
        // Whole cells: the model function plus the seed's parameter/FLOP helpers, isinstance checks and prints.
        var spec = Assert.Single(KerasCodeReader.Read(Fixture(file)));
        Assert.Equal((expected, expected), Counts(spec));
    }

    [Fact]
    public void Seed003InputLayerAndModelAddAreSequential()
    {
        var spec = Assert.Single(KerasCodeReader.Read(Fixture("seed003_q1_cell56.py")));
        Assert.Equal([784], spec.InputShape);       // from layers.InputLayer(input_shape=(784,))
        Assert.Equal(4, spec.Layers.Count);         // the InputLayer is the input, not a layer
        Assert.Equal("sequential", spec.Name);
        Assert.Equal("sigmoid", spec.Layers[^1].Activation);
    }

    /// <summary>Seed 004's DeeperClassifier as Keras code (the seed prints only its summary); l2(0.001) on every kernel.</summary>
    internal const string Seed004DeeperClassifier = """
        from tensorflow.keras import layers, models, regularizers
        from tensorflow.keras.regularizers import l2

        def build(input_shape=(28, 28, 1), num_classes=10, weight_decay=0.001):
            model = models.Sequential(name="DeeperClassifier")
            model.add(layers.InputLayer(input_shape=(28, 28, 1)))
            model.add(layers.Conv2D(64, (3, 3), padding="same", activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.Conv2D(64, (3, 3), activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.MaxPool2D((2, 2)))
            model.add(layers.Dropout(0.25))
            model.add(layers.Conv2D(128, (3, 3), padding="same", activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.Conv2D(128, (3, 3), activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.MaxPool2D((2, 2)))
            model.add(layers.Dropout(0.25))
            model.add(layers.Conv2D(256, (3, 3), padding="same", activation="relu", kernel_regularizer=regularizers.l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.Conv2D(256, (3, 3), activation="relu", kernel_regularizer=regularizers.l2(0.001)))
            model.add(layers.BatchNormalization(axis=-1))
            model.add(layers.MaxPool2D((2, 2)))
            model.add(layers.Dropout(0.25))
            model.add(layers.Flatten())
            model.add(layers.Dense(1024, activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.Dropout(0.5))
            model.add(layers.Dense(512, activation="relu", kernel_regularizer=l2(0.001)))
            model.add(layers.Dropout(0.5))
            model.add(layers.Dense(10, activation="softmax", kernel_regularizer=l2(0.001), name="output_layer"))
            return model
        """;

    [Fact]
    public void Seed004DeeperClassifierWithL2()
    {
        var spec = Assert.Single(KerasCodeReader.Read(Seed004DeeperClassifier));
        Assert.Equal("DeeperClassifier", spec.Name);
        // conv 3·3·1·64+64 = 640 (same, 28×28); BN 256; conv 3·3·64·64+64 = 36,928 (26×26); BN 256; pool 13;
        // conv 3·3·64·128+128 = 73,856 (13×13); BN 512; conv 3·3·128·128+128 = 147,584 (11×11); BN 512; pool 5;
        // conv 3·3·128·256+256 = 295,168 (5×5); BN 1,024; conv 3·3·256·256+256 = 590,080 (3×3); BN 1,024; pool 1×1×256;
        // dense 256·1,024+1,024 = 263,168; 1,024·512+512 = 524,800; 512·10+10 = 5,130 → 1,940,938;
        // non-trainable 2·(64+64+128+128+256+256) = 1,792 → trainable 1,939,146 (seed: 1,940,938 / 1,939,146 / 1,792).
        Assert.Equal((1_940_938L, 1_939_146L), Counts(spec));
        var reg = new Regularizer { L2 = 0.001 };
        Assert.Equal(9, spec.Layers.Count(l => reg.Equals(l.KernelRegularizer)));
        Assert.Equal("output_layer", spec.Layers[^1].Name);
    }

    [Fact]
    public void ExamplesYamlOfTheDeeperClassifierCarriesTheSameRegularizers()
    {
        // examples/specs/seed004_deeper_classifier.yaml is what the examples train: same layers and l2(0.001) kernels.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "examples", "specs"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var yaml = ModelSpecReader.Load(Path.Combine(dir!.FullName, "examples", "specs", "seed004_deeper_classifier.yaml"));
        var code = KerasCodeReader.Read(Seed004DeeperClassifier)[0];
        Assert.Equal(Counts(code), Counts(yaml));
        Assert.Equal(code.Layers.Select(l => l.KernelRegularizer), yaml.Layers.Select(l => l.KernelRegularizer));
    }
}
