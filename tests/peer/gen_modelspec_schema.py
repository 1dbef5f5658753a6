"""Writes schemas/modelspec.v1.schema.json (JSON Schema draft 2020-12) for ModelSpec YAML files.
The per-type option lists mirror src/Core/Specs/Parsing/LayerOptions.cs (AllowedFor); SpecSchemaTests checks they agree.
Run: python3 tests/peer/gen_modelspec_schema.py; validate examples with tests/peer/validate_specs_schema.py."""
import json, os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "modelspec.v1.schema.json")
KB = ["kernel_regularizer", "bias_regularizer"]
CONV = ["filters", "kernel_size", "strides", "padding", "activation", "use_bias"] + KB
POOL = ["pool_size", "strides", "padding"]
RNN_REG = ["kernel_regularizer", "recurrent_regularizer", "bias_regularizer"]
BLOCK = ["intermediate_dim", "num_heads", "dropout", "activation", "layer_norm_epsilon", "normalize_first"]
TYPES = {
    "Dense": ["units", "activation", "use_bias"] + KB,
    "Conv1D": CONV, "Conv2D": CONV, "Conv3D": CONV,
    "SeparableConv2D": ["filters", "kernel_size", "strides", "padding", "depth_multiplier", "activation", "use_bias",
                        "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer"],
    "DepthwiseConv2D": ["kernel_size", "strides", "padding", "depth_multiplier", "activation", "use_bias",
                        "depthwise_regularizer", "bias_regularizer"],
    "MaxPooling1D": POOL, "MaxPooling2D": POOL, "MaxPooling3D": POOL,
    "AveragePooling1D": POOL, "AveragePooling2D": POOL, "AveragePooling3D": POOL,
    "GlobalAveragePooling1D": [], "GlobalAveragePooling2D": [], "GlobalMaxPooling2D": [],
    "Flatten": [], "Dropout": ["rate"],
    "BatchNormalization": ["epsilon", "momentum", "axis", "gamma_regularizer", "beta_regularizer"],
    "Activation": ["activation", "negative_slope"],
    "SimpleRNN": ["units", "activation", "use_bias", "return_sequences", "recurrent_bias"] + RNN_REG,
    "LSTM": ["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "recurrent_bias"] + RNN_REG,
    "GRU": ["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "reset_after"] + RNN_REG,
    "Add": [], "Concatenate": ["axis"], "ZeroPadding2D": ["padding"],
    "Embedding": ["input_dim", "output_dim", "constant_id", "embeddings_regularizer"], "PositionEmbedding": ["sequence_length"],
    "LayerNormalization": ["epsilon", "gamma_regularizer", "beta_regularizer"],
    "MultiHeadAttention": ["num_heads", "key_dim", "value_dim", "dropout", "use_bias", "use_causal_mask"] + KB,
    "Reshape": ["target_shape"], "Cropping1D": ["cropping"],
    "TransformerEncoder": BLOCK, "TransformerDecoder": BLOCK,
    "Permute": ["dims"], "MatMul": [],
}
ACTS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "swish", "silu", "softplus", "softsign",
        "hard_sigmoid", "relu6", "leaky_relu", "exponential"]
INT = {"type": "integer", "minimum": -2147483648, "maximum": 2147483647}
POS = {"type": "integer", "minimum": 1, "maximum": 2147483647}
SIZES = {"oneOf": [POS, {"type": "array", "items": POS, "minItems": 1, "maxItems": 3}]}
OPTS = {
    "units": POS, "filters": POS, "depth_multiplier": POS, "axis": INT,
    "kernel_size": SIZES, "strides": SIZES, "pool_size": SIZES,
    "padding": {"type": "string", "enum": ["valid", "same"]},
    "activation": {"$ref": "#/$defs/activation"}, "recurrent_activation": {"$ref": "#/$defs/activation"},
    "use_bias": {"type": "boolean"}, "return_sequences": {"type": "boolean"}, "reset_after": {"type": "boolean"},
    "recurrent_bias": {"type": "boolean"},
    "dims": {"type": "array", "items": POS, "minItems": 1},
    "rate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    "epsilon": {"type": "number", "exclusiveMinimum": 0},
    "momentum": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    "negative_slope": {"type": "number", "minimum": 0},
    **{r: {"$ref": "#/$defs/regularizer"} for r in ["kernel_regularizer", "bias_regularizer", "recurrent_regularizer",
                                                     "depthwise_regularizer", "pointwise_regularizer",
                                                     "gamma_regularizer", "beta_regularizer", "embeddings_regularizer"]},
    "input_dim": POS, "output_dim": POS, "sequence_length": POS, "num_heads": POS, "key_dim": POS, "value_dim": POS,
    "intermediate_dim": POS, "constant_id": {"type": "integer", "minimum": 0, "maximum": 2147483647},
    "dropout": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    "layer_norm_epsilon": {"type": "number", "exclusiveMinimum": 0},
    "use_causal_mask": {"type": "boolean"}, "normalize_first": {"type": "boolean"},
    "target_shape": {"type": "array", "items": {"type": "integer", "minimum": -1, "maximum": 2147483647, "not": {"const": 0}}, "minItems": 1},
    "cropping": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 2147483647},
                           {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}]},
}
ZERO_PAD = {"oneOf": [
    {"type": "integer", "minimum": 0, "maximum": 2147483647},
    {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
    {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}, "minItems": 2, "maxItems": 2},
    {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 4, "maxItems": 4}]}


def layer_schema(t, opts):
    props = {"type": {"const": t}, "name": {"$ref": "#/$defs/layerName"},
             "inputs": {"oneOf": [{"$ref": "#/$defs/layerRef"}, {"type": "array", "items": {"$ref": "#/$defs/layerRef"}, "minItems": 1}]}}
    for o in opts:
        props[o] = ZERO_PAD if (t == "ZeroPadding2D" and o == "padding") else OPTS[o]
    return {"title": t, "type": "object", "required": ["type"], "properties": props, "additionalProperties": False}


schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/modelcost/ModelCost.PS/schemas/modelspec.v1.schema.json",
    "title": "ModelCost.PS ModelSpec (modelcost/v1)",
    "description": "A neural network for ModelCost.PS: input shape without the batch dimension (channels last, Keras order) and layers with Keras option names. Layer type names are matched case-insensitively by the module (and Keras aliases such as MaxPool2D are accepted); this schema lists the canonical spellings. Shape rules (kernel larger than input, Flatten of a flat input, ...) are checked by the module, not the schema.",
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "modelcost/v1"},
        "kind": {"const": "ModelSpec"},
        "metadata": {"type": "object", "required": ["name"], "additionalProperties": False,
                     "properties": {"name": {"type": "string", "minLength": 1}, "description": {"type": ["string", "null"]}}},
        "spec": {"type": "object", "required": ["layers"], "additionalProperties": False,
                 "properties": {
                     "inputShape": {"description": "Without the batch dimension, e.g. [28, 28, 1]. May be omitted when the first layer is a string with input_shape=(...).",
                                    "type": "array", "items": POS, "minItems": 1},
                     "inputDtype": {"description": "float32 (default: images, features) or int32 (token ids; only an Embedding may read them).",
                                    "type": "string", "enum": ["float32", "int32"]},
                     "layers": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/layer"}}}},
    },
    "$defs": {
        "activation": {"type": ["string", "null"], "enum": ACTS + [None]},
        "layerName": {"type": "string", "minLength": 1, "not": {"const": "input"}},
        "regularizer": {"description": "A Keras weight regularizer, added to the training loss: {l2: 0.001}, {l1: 0.01}, {l1: 0.01, l2: 0.01}, or a Keras string such as 'l2' (0.01) or 'l2(0.001)'.",
                        "oneOf": [{"type": "null"}, {"type": "string", "maxLength": 4096},
                                  {"type": "object", "minProperties": 1, "additionalProperties": False,
                                   "properties": {"l1": {"type": "number", "minimum": 0}, "l2": {"type": "number", "minimum": 0}}}]},
        "layerRef": {"type": "string", "minLength": 1, "description": "A layer defined earlier, or 'input' for the model input."},
        "layerString": {"type": "string", "maxLength": 4096, "description": "A Keras-style layer such as Conv2D(16, 3, activation=\"relu\") or layers.Dense(10)."},
        "layer": {"oneOf": [{"$ref": "#/$defs/layerString"}] + [{"$ref": f"#/$defs/{t}"} for t in TYPES]},
        **{t: layer_schema(t, o) for t, o in TYPES.items()},
    },
}
with open(OUT, "w") as f:
    json.dump(schema, f, indent=2)
    f.write("\n")
