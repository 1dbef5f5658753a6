### Write  your code here 
import tensorflow as tf
from tensorflow.keras import layers, models

# Define the 3D CNN architecture
def build_3d_cnn_model():
    model = models.Sequential([
        # First 3D Convolutional layer
        layers.Conv3D(32, (3, 3, 3), activation='relu', input_shape=(16, 64, 64, 1)),
        layers.MaxPooling3D((2, 2, 2)),
        
        # Second 3D Convolutional layer
        layers.Conv3D(64, (3, 3, 3), activation='relu'),
        layers.MaxPooling3D((2, 2, 2)),

        # Flatten layer
        layers.Flatten(),
        
        # Fully connected dense layers
        layers.Dense(128, activation='relu'),
        layers.Dense(5, activation='softmax')
    ])
    
    return model

# Build and summarize the 3D CNN model
model = build_3d_cnn_model()
model.summary()

# Compute the total number of parameters
total_params = model.count_params()
print(f"Total number of parameters: {total_params}")

bytes_per_param = 4  # Assuming 32-bit floats (4 bytes per parameter)
model_size_mb = (total_params * bytes_per_param) / (1024 * 1024)
print(f"Model size: {model_size_mb:.2f} MB")

# Compute FLOPs using TensorFlow Profiler
def get_flops(model):
    concrete_func = tf.function(lambda x: model(x))
    concrete_func = concrete_func.get_concrete_function(
        tf.TensorSpec([1, 16, 64, 64, 1], tf.float32)
    )

    # TensorFlow Profiler
    from tensorflow.python.profiler import model_analyzer
    from tensorflow.python.profiler.option_builder import ProfileOptionBuilder

    options = ProfileOptionBuilder.float_operation()
    graph_info = model_analyzer.profile(
        graph=concrete_func.graph, options=options
    )

    return graph_info.total_float_ops

flops = get_flops(model)
print(f"Total FLOPs: {flops:,} FLOPs")

# Compute the inference time for a 1 GFLOP CPU
cpu_flops_per_second = 1_000_000_000  # 1 GFLOP per second
inference_time_seconds = flops / cpu_flops_per_second
print(f"Inference time on a 1 GFLOP CPU: {inference_time_seconds:.6f} seconds")
