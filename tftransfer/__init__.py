"""tftransfer: transfer learning and domain adaptation on Keras 3 / TensorFlow."""

import os

# TensorFlow's C++ INFO/WARNING lines (CUDA probing, oneDNN notices) drown experiment output;
# users who want them set TF_CPP_MIN_LOG_LEVEL themselves.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
