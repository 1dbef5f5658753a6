namespace ModelCost.Core.Specs.KerasCode;

/// <summary>A statement of pasted Keras model-building code that the reader understands.</summary>
internal abstract record KerasStatement(int Position);

/// <summary><c>x = Dense(10)(y)</c>, <c>model.add(Dense(10))</c>, <c>inp = keras.Input(shape=(784,))</c>.</summary>
internal sealed record LayerStatement(KerasItem Item) : KerasStatement(Item.Position);

/// <summary><c>model = keras.Sequential([...], name="MLP")</c> or <c>model = models.Sequential()</c>.</summary>
internal sealed record SequentialStatement(int Position, string? AssignedTo, IReadOnlyList<KerasItem> Items, string? Name) : KerasStatement(Position);

/// <summary><c>model = Model(inputs=x, outputs=y, name="m")</c>.</summary>
internal sealed record ModelStatement(int Position, string? AssignedTo, string[] Inputs, string[] Outputs, string? Name) : KerasStatement(Position);

/// <summary><c>hidden_units = 3</c>: a literal the layers may refer to by name.</summary>
internal sealed record ConstantStatement(int Position, string Name, object? Value) : KerasStatement(Position);
