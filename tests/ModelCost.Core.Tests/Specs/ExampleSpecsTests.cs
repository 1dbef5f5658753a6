using ModelCost.Core.Specs;
using Xunit;

namespace ModelCost.Core.Tests.Specs;

/// <summary>
/// Every examples/specs/*.yaml against the figures Keras (seeds) or torchvision print, each re-derived by hand below.
/// Notation: conv k·k·cin·cout + cout (bias); Dense in·out + out; BatchNormalization 4·c of which 2·c (moving
/// mean/variance) are non-trainable.
/// </summary>
public class ExampleSpecsTests
{
    internal static string ExamplePath(string file) => Path.Combine(AppContext.BaseDirectory, "specs", file);

    internal static ModelSpec Load(string file) => ModelSpecYaml.Load(ExamplePath(file));

    public static TheoryData<string, long, long, long> Expected => new()
    {
        // Seed 000/001 MLP: Dense 784·256+256 = 200,960; 256·128+128 = 32,896; 128·10+10 = 1,290 → 235,146 (seed: 235146).
        { "seed000_mlp.yaml", 235_146, 235_146, 0 },
        // Seed 000/001 CNN: 3·3·1·16+16 = 160; 3·3·16·32+32 = 4,640; 28→26→13→11→5: 5·5·32 = 800·64+64 = 51,264;
        // 64·10+10 = 650 → 56,714 (seed: 56714).
        { "seed000_cnn.yaml", 56_714, 56_714, 0 },
        // Seed 002 Model1: 3·3·1·50+50 = 500; 2·2·50·50+50 = 10,050; 28→14→7 (same padding): 7·7·50 = 2,450;
        // 2450·256+256 = 627,456; 256·128+128 = 32,896; 128·64+64 = 8,256; 64·10+10 = 650 → 679,808 (seed: 679,808).
        { "seed002_model1.yaml", 679_808, 679_808, 0 },
        // Seed 002 Model2: 3·3·1·32+32 = 320; BN 128; 2·2·32·64+64 = 8,256; BN 256; 7·7·64 = 3,136·32+32 = 100,384;
        // 32·10+10 = 330 → 109,674 total; non-trainable 2·(32+64) = 192; trainable 109,482 (the seed's printed figure).
        { "seed002_model2.yaml", 109_674, 109_482, 192 },
        // Seed 002 Model3: 640 + BN 256 + 3·3·64·128+128 = 73,856 + BN 512 + separable (2·2·128 = 512 depthwise +
        // 128·256 = 32,768 pointwise + 256 bias = 33,536) + BN 1,024 + 7·7·256 = 12,544·128+128 = 1,605,760 + 8,256
        // + 64·32+32 = 2,080 + 330 → 1,726,250; non-trainable 2·(64+128+256) = 896; trainable 1,725,354 (seed's figure).
        { "seed002_model3.yaml", 1_726_250, 1_725_354, 896 },
        // Seed 003 Q1: 784·512+512 = 401,920; 512·256+256 = 131,328; 256·128+128 = 32,896; 128·1+1 = 129 → 566,273.
        { "seed003_q1_dnn.yaml", 566_273, 566_273, 0 },
        // Seed 003 Q2: as Q1 but 128·10+10 = 1,290 → 567,434.
        { "seed003_q2_dnn.yaml", 567_434, 567_434, 0 },
        // Seed 003 Q3: 320; 3·3·32·64+64 = 18,496; 28→26→13→11→5: 5·5·64 = 1,600·64+64 = 102,464; 650 → 121,930.
        { "seed003_q3_cnn2d.yaml", 121_930, 121_930, 0 },
        // Seed 003 Q4 on 32x32x3: 3·3·3·32+32 = 896; 18,496; 3·3·64·128+128 = 73,856; 32→30→15→13→6→4: 4·4·128 = 2,048;
        // 2048·128+128 = 262,272; 128·10+10 = 1,290 → 356,810.
        { "seed003_q4_cnn.yaml", 356_810, 356_810, 0 },
        // Seed 003 Q5 on (16,64,64,1): 27·1·32+32 = 896 → (14,62,62); pool → (7,31,31); 27·32·64+64 = 55,360 → (5,29,29);
        // pool → (2,14,14,64) = 25,088·128+128 = 3,211,392; 128·5+5 = 645 → 3,268,293.
        { "seed003_q5_conv3d.yaml", 3_268_293, 3_268_293, 0 },
        // Seed 003 Q6: SimpleRNN 3·(3+4)+3 = 24; Dense 3·2+2 = 8 → 32.
        { "seed003_q6_rnn.yaml", 32, 32, 0 },
        // Seed 003 Q7: LSTM 4·((4+3)·3+3) = 96.
        { "seed003_q7_lstm.yaml", 96, 96, 0 },
        // Seed 004 BaseLine: 5·5·1·32+32 = 832; 5·5·32·64+64 = 51,264; 7·7·64 = 3,136·1024+1024 = 3,212,288;
        // 1024·10+10 = 10,250 → 3,274,634 (seed: 3,274,634 / 3,274,634 / 0).
        { "seed004_baseline_classifier.yaml", 3_274_634, 3_274_634, 0 },
        // Seed 004 Classifier: the same weights plus two Dropouts → 3,274,634.
        { "seed004_classifier.yaml", 3_274_634, 3_274_634, 0 },
        // Seed 004 DeeperClassifier: 640 + 256 + 3·3·64·64+64 = 36,928 + 256 + 73,856 + 512 + 3·3·128·128+128 = 147,584
        // + 512 + 3·3·128·256+256 = 295,168 + 1,024 + 3·3·256·256+256 = 590,080 + 1,024 + 256·1024+1024 = 263,168
        // + 1024·512+512 = 524,800 + 512·10+10 = 5,130 → 1,940,938; non-trainable 2·(64+64+128+128+256+256) = 1,792;
        // trainable 1,939,146 (seed: 1,940,938 / 1,939,146 / 1,792).
        { "seed004_deeper_classifier.yaml", 1_940_938, 1_939_146, 1_792 },
        // torchvision: /usr/bin/python3 -c "import torchvision; m=torchvision.models.resnet18(); print(sum(p.numel() for p in m.parameters()))"
        // → 11689512. By hand: conv1 7·7·3·64 = 9,408 + bn1 128; layer1 2·(2·3·3·64·64 + 2·128) = 147,968; layer2
        // (73,728+147,456+8,192 downsample + 3·256) + (2·147,456 + 2·256) = 525,568; layer3 (294,912+589,824+32,768+3·512)
        // + (2·589,824+2·512) = 2,099,712; layer4 (1,179,648+2,359,296+131,072+3·1,024) + (2·2,359,296+2·1,024) = 8,393,728;
        // fc 512·1000+1000 = 513,000 → 11,689,512 trainable. BN running mean+var (torch buffers, Keras non-trainable):
        // 2·(64 + 4·64 + 5·128 + 5·256 + 5·512) = 9,600 (measured: sum of m.named_buffers() without num_batches_tracked = 9600).
        { "resnet18.yaml", 11_699_112, 11_689_512, 9_600 },
        // ResNet-18 at 32x32x3 (the speed issue's workload): torchvision resnet18(num_classes=10) with conv1 = Conv2d(3, 64, 3,
        // padding=1, bias=False) and maxpool = Identity; /usr/bin/python3 printed sum(p.numel()) = 11173962. By hand: 11,689,512
        // − 9,408 (7·7·3·64 stem) + 1,728 (3·3·3·64) − 513,000 (fc 512·1000+1000) + 5,130 (fc 512·10+10) = 11,173,962;
        // BN running statistics as resnet18: 9,600.
        { "resnet18_cifar.yaml", 11_183_562, 11_173_962, 9_600 },
        // torchvision resnet50 (same command with resnet50) → 25557032. By hand, bottleneck(in, p) = in·p + 9·p² + 4·p² + BN 12·p
        // (+ downsample in·4p + BN 8p): layer1 75,008 + 2·70,400 = 215,808; layer2 379,392 + 3·280,064 = 1,219,584;
        // layer3 1,512,448 + 5·1,117,184 = 7,098,368; layer4 6,039,552 + 2·4,462,592 = 14,964,736; stem 9,408 + 128;
        // fc 2048·1000+1000 = 2,049,000 → 25,557,032. BN running statistics: 53,120 (measured from the buffers likewise).
        { "resnet50.yaml", 25_610_152, 25_557_032, 53_120 },
        // torchvision vgg16 (same command) → 138357544. By hand: convs 1,792 + 36,928 + 73,856 + 147,584 + 295,168
        // + 2·590,080 + 1,180,160 + 5·2,359,808 = 14,714,688; fc 25,088·4096+4096 = 102,764,544; 4096·4096+4096 = 16,781,312;
        // 4096·1000+1000 = 4,097,000 → 138,357,544, no BatchNorm.
        { "vgg16.yaml", 138_357_544, 138_357_544, 0 },
        // Hugging Face GPT2Model("gpt2") reports 124,439,808 parameters (sum(p.numel() for p in model.parameters())).
        // By hand, d = 768, I = 3072: wte 50,257·768 = 38,597,376; wpe 1,024·768 = 786,432; per decoder block: ln_1 2·768
        // = 1,536; attention q, k, v 3·(768·768 + 768) = 1,771,776 (HF's c_attn 768×2304 + 2304); output 768·768 + 768
        // = 590,592; ln_2 1,536; feed-forward 768·3072 + 3072 = 2,362,368 and 3072·768 + 768 = 2,360,064 → 7,087,872;
        // 12 blocks 85,054,464; final ln_f 1,536 → 124,439,808.
        { "gpt2_small.yaml", 124_439_808, 124_439_808, 0 },
        // Hugging Face BertModel("bert-base-uncased", with pooler) reports 109,482,240 parameters. By hand: word
        // embeddings 30,522·768 = 23,440,896; position 512·768 = 393,216; token type 2·768 = 1,536; embedding LayerNorm
        // 1,536; 12 encoder blocks of 7,087,872 (the same sum as GPT-2's: attention 2,362,368, two LayerNorms 3,072,
        // feed-forward 4,722,432) = 85,054,464; pooler 768·768 + 768 = 590,592 → 109,482,240.
        { "bert_base.yaml", 109_482_240, 109_482_240, 0 },
        // Vision transformer: patch conv 7·7·1·64 + 64 = 3,200; positions 16·64 = 1,024; two pre-LN encoders
        // 4·64² + 4·64 (attention) + 4·64 (LayerNorms) + 64·128 + 128 + 128·64 + 64 = 33,472 each; final LayerNorm 128;
        // classifier 64·10 + 10 = 650 → 3,200 + 1,024 + 66,944 + 128 + 650 = 71,946.
        { "vit_fashion_mnist.yaml", 71_946, 71_946, 0 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void ExampleCountsMatchSeedOrTorchvision(string file, long total, long trainable, long nonTrainable)
    {
        var m = ShapeInference.Resolve(Load(file));
        Assert.Equal(total, m.Params);
        Assert.Equal(trainable, m.TrainableParams);
        Assert.Equal(nonTrainable, m.NonTrainableParams);
    }

    [Fact]
    public void EveryExampleFileIsCovered()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.yaml").Select(Path.GetFileName).Order().ToArray();
        var covered = Expected.Select(r => (string)r[0]).Order().ToArray();
        Assert.Equal(covered, files);
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void RoundTripThroughYamlIsEqual(string file, long total, long trainable, long nonTrainable)
    {
        _ = (total, trainable, nonTrainable);
        var spec = Load(file);
        var again = ModelSpecYaml.Parse(ModelSpecYaml.Serialize(spec));
        Assert.Equal(spec, again);
        Assert.Equal(ModelSpecYaml.Serialize(spec), ModelSpecYaml.Serialize(again));
    }

    [Fact]
    public void SeedCnnShapesFollowKeras()
    {
        // Keras summary of seed 000's CNN: (None, 26, 26, 16), (None, 13, 13, 16), (None, 11, 11, 32), (None, 5, 5, 32), (None, 800), (None, 64), (None, 10).
        var rows = ModelSummary.Build(Load("seed000_cnn.yaml"));
        Assert.Equal(["(None, 26, 26, 16)", "(None, 13, 13, 16)", "(None, 11, 11, 32)", "(None, 5, 5, 32)", "(None, 800)", "(None, 64)", "(None, 10)"],
            rows.Select(r => r.OutputShape));
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1"], rows.Select(r => r.Name));
    }

    [Fact]
    public void DeeperClassifierShapesFollowTheSeedSummary()
    {
        // Output shapes printed by seed 004 for DeeperClassifier.
        string[] expected =
        [
            "(None, 28, 28, 64)", "(None, 28, 28, 64)", "(None, 26, 26, 64)", "(None, 26, 26, 64)", "(None, 13, 13, 64)", "(None, 13, 13, 64)",
            "(None, 13, 13, 128)", "(None, 13, 13, 128)", "(None, 11, 11, 128)", "(None, 11, 11, 128)", "(None, 5, 5, 128)", "(None, 5, 5, 128)",
            "(None, 5, 5, 256)", "(None, 5, 5, 256)", "(None, 3, 3, 256)", "(None, 3, 3, 256)", "(None, 1, 1, 256)", "(None, 1, 1, 256)",
            "(None, 256)", "(None, 1024)", "(None, 1024)", "(None, 512)", "(None, 512)", "(None, 10)",
        ];
        var rows = ModelSummary.Build(Load("seed004_deeper_classifier.yaml"));
        Assert.Equal(expected, rows.Select(r => r.OutputShape));
        Assert.Equal("output_layer", rows[^1].Name);
        Assert.Equal("batch_normalization_5", rows[15].Name);
    }

    [Fact]
    public void TransformerBlocksCountEachPartAsHuggingFace()
    {
        // One GPT-2 block layer by layer (see the derivation above): 4·768² + 4·768 attention, 2·(2·768) LayerNorm,
        // 2·768·3072 + 3072 + 768 feed-forward.
        var m = ShapeInference.Resolve(Load("gpt2_small.yaml"));
        Assert.Equal(4L * 768 * 768 + 4 * 768 + 4 * 768 + 2L * 768 * 3072 + 3072 + 768, m.Find("transformer_layer_0")!.Params);
        Assert.Equal(50_257L * 768, m.Find("token_embedding")!.Params);
        Assert.Equal(1_024L * 768, m.Find("position_embedding")!.Params);
        Assert.Equal([1024, 768], m.OutputShape);
        Assert.True(m.Find("transformer_layer_11")!.UseCausalMask);
        Assert.Equal(64, m.Find("transformer_layer_11")!.KeyDim);
        var bert = ShapeInference.Resolve(Load("bert_base.yaml"));
        Assert.Equal([768], bert.OutputShape);
        Assert.False(bert.Find("transformer_layer_0")!.UseCausalMask);
        Assert.Equal(2L * 768, bert.Find("segment_embedding")!.Params);
        Assert.Equal(0, bert.Find("segment_embedding")!.ConstantId);
        Assert.Equal([1, 768], bert.Find("cls_token")!.OutputShape);
    }

    [Fact]
    public void ResNetBlocksConnectAsTorchvision()
    {
        // torchvision resnet50 layer2.0: 56x56x256 in, stride on the 3x3 conv → 28x28x512; the downsample branch reads the block input.
        var m = ShapeInference.Resolve(Load("resnet50.yaml"));
        Assert.Equal([56, 56, 64], m.Find("maxpool")!.OutputShape);
        Assert.Equal([28, 28, 128], m.Find("layer2.0.conv2")!.OutputShape);
        Assert.Equal(["layer1.2.relu"], m.Find("layer2.0.downsample.0")!.InputNames);
        Assert.Equal([28, 28, 512], m.Find("layer2.0.add")!.OutputShape);
        Assert.Equal([7, 7, 2048], m.Find("layer4.2.relu")!.OutputShape);
        var rows = ModelSummary.Build(m);
        Assert.Equal("layer2.0.bn3, layer2.0.downsample.1", rows.Single(r => r.Name == "layer2.0.add").ConnectedTo);
    }
}
