class Model2(AbstractModel):
    """Architecture for Model2.

    This model includes:
        - 1 Conv2D layer (32 filters, strides 3x3, ReLU activation)
        - 1 Conv2D layer (64 filters, strides 2x2, ReLU activation)
        - 2 BatchNormalization layers (used after each Conv2D layer)
        - 2 MaxPooling2D layers (size 2x2, used after each BatchNormalization layer)
        - 1 Flatten layer
        - 1 Dense layer (32 perceptrons, ReLU activation)
        - 1 Dense layer (10 perceptrons, Softmax activation)

    """

    def __init__(self, kernel_height: int, kernel_width: int) -> None:
        """Initialize layers in the model."""
        self.input_layer = Input(shape=(kernel_height, kernel_width, 1))
        self.conv_layer = Conv2D(32, (3, 3), activation="relu", padding="same")(self.input_layer)
        self.batch_layer = BatchNormalization()(self.conv_layer)
        self.pooling_layer = MaxPooling2D((2, 2))(self.batch_layer)
        self.conv_layer_2 = Conv2D(64, (2, 2), activation="relu", padding="same")(self.pooling_layer)
        self.batch_layer_2 = BatchNormalization()(self.conv_layer_2)
        self.pooling_layer_2 = MaxPooling2D((2, 2))(self.batch_layer_2)
        self.flatten_layer = Flatten()(self.pooling_layer_2)
        self.dense_layer = Dense(32, activation="relu")(self.flatten_layer)
        self.output_layer = Dense(10, activation="softmax")(self.dense_layer)
        self.model = Model(inputs=self.input_layer, outputs=self.output_layer)
