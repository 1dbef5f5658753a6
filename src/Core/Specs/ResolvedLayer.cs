namespace ModelCost.Core.Specs;

/// <summary>
/// A layer after shape inference: every option filled with its Keras default, input and output
/// shapes known (without the batch dimension) and parameters counted. Costing and the engine
/// read layers only through this type, so defaults are decided once.
/// </summary>
public sealed class ResolvedLayer
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required LayerSpec Spec { get; init; }

    /// <summary>Names of the producing layers; <see cref="ShapeInference.InputName"/> for the model input.</summary>
    public required string[] InputNames { get; init; }

    /// <summary>Indices of the producing layers; -1 for the model input.</summary>
    public required int[] InputIndices { get; init; }

    public required int[][] InputShapes { get; init; }
    public required int[] OutputShape { get; init; }

    public long Params => TrainableParams + NonTrainableParams;
    public required long TrainableParams { get; init; }
    public required long NonTrainableParams { get; init; }

    // Effective options (Keras defaults applied). Unused ones keep their neutral values.
    public int Units { get; init; }
    public int Filters { get; init; }
    public int[] KernelSize { get; init; } = [];
    public int[] Strides { get; init; } = [];
    /// <summary>Zero padding added before each spatial dim (TF "same" puts the odd extra after).</summary>
    public int[] PadBefore { get; init; } = [];
    public int[] PadAfter { get; init; } = [];
    public string Padding { get; init; } = "valid";
    public string Activation { get; init; } = Activations.Linear;
    public string RecurrentActivation { get; init; } = Activations.Sigmoid;
    public bool UseBias { get; init; }
    public int[] PoolSize { get; init; } = [];
    public double Rate { get; init; }
    public int DepthMultiplier { get; init; } = 1;
    public bool ReturnSequences { get; init; }
    public double Epsilon { get; init; } = 1e-3;
    public double Momentum { get; init; } = 0.99;
    public bool ResetAfter { get; init; } = true;
    /// <summary>LSTM/SimpleRNN with a second (recurrent) bias vector, as PyTorch and ONNX keep.</summary>
    public bool RecurrentBias { get; init; }
    /// <summary>Permute: result axis d is input axis Dims[d] (0-based, without batch).</summary>
    public int[] Dims { get; init; } = [];
    /// <summary>Concatenate axis as a 0-based index into the shape without batch.</summary>
    public int Axis { get; init; }
    /// <summary>Slope for x &lt; 0 of a leaky_relu activation (Keras default 0.2; LeakyReLU layers 0.3).</summary>
    public double NegativeSlope { get; init; } = ShapeInference.LeakyReluDefaultSlope;

    // Transformer options (Keras / KerasNLP defaults applied).
    /// <summary>Embedding vocabulary size.</summary>
    public int InputDim { get; init; }
    /// <summary>Embedding width.</summary>
    public int OutputDim { get; init; }
    /// <summary>Embedding row looked up at every position regardless of the ids; -1 = read the ids.</summary>
    public int ConstantId { get; init; } = -1;
    /// <summary>PositionEmbedding: positions in the table.</summary>
    public int SequenceLength { get; init; }
    public int NumHeads { get; init; }
    /// <summary>Per-head query/key width (for the blocks: width / num_heads).</summary>
    public int KeyDim { get; init; }
    /// <summary>Per-head value width.</summary>
    public int ValueDim { get; init; }
    /// <summary>Attention-probability dropout (MultiHeadAttention) or the blocks' dropout rate.</summary>
    public double Dropout { get; init; }
    /// <summary>True for a causal mask (MultiHeadAttention with use_causal_mask, every TransformerDecoder).</summary>
    public bool UseCausalMask { get; init; }
    public int IntermediateDim { get; init; }
    public bool NormalizeFirst { get; init; }
    /// <summary>Cropping1D: positions dropped at the start and at the end.</summary>
    public int CropStart { get; init; }
    public int CropEnd { get; init; }

    /// <summary>The single input shape (most layers have one input).</summary>
    public int[] InputShape => InputShapes[0];

    public long InputElements => ShapeInference.Elements(InputShapes[0]);
    public long OutputElements => ShapeInference.Elements(OutputShape);

    public override string ToString() => $"{Name} ({Type}) {ShapeText.FormatWithBatch(OutputShape)} {Params}";
}
