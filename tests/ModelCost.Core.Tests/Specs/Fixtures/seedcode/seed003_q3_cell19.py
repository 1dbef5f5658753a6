import tensorflow as tf
from tensorflow.keras import layers, models
from tensorflow.keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

# Define the model
def build_2d_cnn_model():
    model = models.Sequential()
    model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(64, activation='relu'))
    model.add(Dense(10, activation='softmax'))

    return model

# Build the model
model = build_2d_cnn_model()
model.summary()

# Compute the number of parameters
total_params = model.count_params()
print(f"Total number of parameters: {total_params}")

# Compute the model size (in MB)
model_size_mb = (total_params * 4) / (1024 * 1024)  # Assuming 32-bit floats (4 bytes per parameter)
print(f"Model size: {model_size_mb:.2f} MB")

# FLOPs computation using TensorFlow profiler
def get_flops(model):
    # Convert the model to a concrete function
    concrete_func = tf.function(lambda x: model(x))
    concrete_func = concrete_func.get_concrete_function(
        tf.TensorSpec([1, 28, 28, 1], tf.float32)
    )

    # Run the TensorFlow profiler to get FLOPs
    from tensorflow.python.profiler import model_analyzer
    from tensorflow.python.profiler.option_builder import ProfileOptionBuilder

    profiler_options = ProfileOptionBuilder.float_operation()
    graph_info = model_analyzer.profile(
        graph=concrete_func.graph, options=profiler_options
    )

    return graph_info.total_float_ops

flops = get_flops(model)
print(f"Total FLOPs: {flops}")
