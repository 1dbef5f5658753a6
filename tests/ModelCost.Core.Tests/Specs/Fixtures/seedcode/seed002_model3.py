class Model3(AbstractModel):
    """Architecture for Model3.

    This model includes:
        - 1 Conv2D layer (64 filters, strides 3x3, ReLU activation)
        - 1 Conv2D layer (128 filters, strides 3x3, ReLU activation)
        - 1 SeparableConv2D layer (256 filters, strides 2x2, ReLU activation)
        - 3 BatchNormalization layers (used after each Conv2D/SeparableConv2D layer)
        - 2 MaxPooling2D layers (size 2x2, used after each BatchNormalization layer)
        - 1 Flatten layer
        - 1 Dense layer (128 perceptrons, ReLU activation)
        - 1 Dense layer (64 perceptrons, ReLU activation)
        - 1 Dense layer (32 perceptrons, ReLU activation)
        - 1 Dense layer (10 perceptrons, Softmax activation)

    """

    def __init__(self, kernel_height: int, kernel_width: int) -> None:
        """Initialize layers in the model."""
        self.input_layer = Input(shape=(kernel_height, kernel_width, 1))
        self.conv_layer = Conv2D(64, (3, 3), activation="relu", padding="same")(self.input_layer)
        self.batch_layer = BatchNormalization()(self.conv_layer)
        self.pooling_layer = MaxPooling2D((2, 2))(self.batch_layer)
        self.conv_layer_2 = Conv2D(128, (3, 3), activation="relu", padding="same")(self.pooling_layer)
        self.batch_layer_2 = BatchNormalization()(self.conv_layer_2)
        self.pooling_layer_2 = MaxPooling2D((2, 2))(self.batch_layer_2)
        self.sepconv_layer = SeparableConv2D(256, (2, 2), activation="relu", padding="same")(self.pooling_layer_2)
        self.batch_layer_3 = BatchNormalization()(self.sepconv_layer)
        self.flatten_layer = Flatten()(self.batch_layer_3)
        self.dense_layer = Dense(128, activation="relu")(self.flatten_layer)
        self.dense_layer_2 = Dense(64, activation="relu")(self.dense_layer)
        self.dense_layer_3 = Dense(32, activation="relu")(self.dense_layer_2)
        self.output_layer = Dense(10, activation="softmax")(self.dense_layer_3)
        self.model = Model(inputs=self.input_layer, outputs=self.output_layer)
