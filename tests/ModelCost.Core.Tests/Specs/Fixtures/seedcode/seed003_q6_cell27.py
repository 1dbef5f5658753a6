import tensorflow as tf
from tensorflow.keras import Sequential
from tensorflow.keras.layers import SimpleRNN, Dense

input_size = 4 
hidden_units = 3
output_size = 2 
sequence_length = 5 

model = Sequential([
    SimpleRNN(hidden_units, activation='relu', input_shape=(sequence_length, input_size)),
    Dense(output_size, activation='sigmoid')
])

model.summary()

# Compute Number of Parameters
rnn_params = hidden_units * (hidden_units + input_size) + hidden_units
output_params = hidden_units * output_size + output_size 
total_params = rnn_params + output_params

print(f"RNN Layer Parameters: {rnn_params}")
print(f"Output Layer Parameters: {output_params}")
print(f"Total Parameters: {total_params}")

memory_bytes = total_params * 4
memory_kb = memory_bytes / 1024

print(f"Memory Requirement: {memory_bytes} bytes ({memory_kb:.3f} KB)")

# FLOPs for RNN: 2 * (hidden_units * (hidden_units + input_size)) + hidden_units
rnn_flops = 2 * (hidden_units * (hidden_units + input_size)) + hidden_units
output_flops = 2 * (hidden_units * output_size) + output_size  # FLOPs for Dense layer
total_flops = rnn_flops + output_flops

print(f"RNN FLOPs: {rnn_flops}")
print(f"Output Layer FLOPs: {output_flops}")
print(f"Total FLOPs: {total_flops}")
