### Write  your code here 
import tensorflow as tf
from tensorflow.keras import layers, models
import numpy as np

# Define the model
def build_model():
    model = models.Sequential()    
    model.add(layers.InputLayer(input_shape=(784,)))
    model.add(layers.Dense(512, activation='relu'))
    model.add(layers.Dense(256, activation='relu'))
    model.add(layers.Dense(128, activation='relu'))
    model.add(layers.Dense(1, activation='sigmoid'))
    return model

# Function to calculate the number of parameters
def calculate_parameters(model):
    total_params = 0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            weights = np.prod(layer.kernel.shape)
            biases = np.prod(layer.bias.shape)
            total_params += weights + biases
    return total_params

# Function to calculate the model size in bytes and KB
def calculate_model_size(total_params, bytes_per_param=4):
    model_size_bytes = total_params * bytes_per_param
    model_size_kb = model_size_bytes / 1024
    return model_size_bytes, model_size_kb

# Function to calculate FLOPs
def calculate_flops(model):
    flops = 0
    for i in range(len(model.layers) - 1):
        if isinstance(model.layers[i], layers.Dense) and isinstance(model.layers[i+1], layers.Dense):
            input_size = model.layers[i].units
            output_size = model.layers[i+1].units
            flops += 2 * (input_size * output_size) + output_size  # FLOPs for FC layer
            if model.layers[i+1].activation == tf.keras.activations.relu:
                flops += output_size  # FLOPs for ReLU activation
            elif model.layers[i+1].activation == tf.keras.activations.sigmoid:
                flops += output_size  # FLOPs for Sigmoid activation
    return flops

# Function to calculate inference time
def calculate_inference_time(flops, flops_per_second=1e9):
    inference_time = flops / flops_per_second
    return inference_time

# Build the model
model = build_model()

# Calculate the number of parameters
total_params = calculate_parameters(model)
print(f"Total number of parameters: {total_params}")

# Calculate the model size
model_size_bytes, model_size_kb = calculate_model_size(total_params)
print(f"Model size: {model_size_bytes} bytes ({model_size_kb} KB)")

# Calculate FLOPs
flops = calculate_flops(model)
print(f"Total FLOPs: {flops}")

# Calculate inference time
inference_time = calculate_inference_time(flops)
print(f"Inference time: {inference_time: .10f} seconds")
