from tensorflow.keras.layers import LSTM
from tensorflow.keras.models import Sequential

input_size = 4 
hidden_size = 3  

model = Sequential([
    LSTM(hidden_size, input_shape=(1, input_size))
])

model.summary()

lstm_params = 4 * ((input_size + hidden_size) * hidden_size + hidden_size)
print(f"Computed LSTM Parameters: {lstm_params}")

keras_lstm_params = model.count_params()
print(f"Keras Model Parameters: {keras_lstm_params}")

assert lstm_params == keras_lstm_params, "Parameter count mismatch!"
