"""nn: layers, losses, optimizers and data tools built on autograd, named as in PyTorch.

>>> import nn
>>> model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
>>> loss_fn = nn.CrossEntropyLoss()
>>> optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
"""

from . import data, datasets, init, metrics, optim, text, transforms, utils  # noqa: F401
from .activation import *  # noqa: F403
from .containers import *  # noqa: F403
from .conv import *  # noqa: F403
from .dropout import *  # noqa: F403
from .embedding import *  # noqa: F403
from .fold import *  # noqa: F403
from .keras import *  # noqa: F403
from .linear import *  # noqa: F403
from .losses import *  # noqa: F403
from .module import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .recurrent import *  # noqa: F403
from .recurrent_cells import GRUCell, LSTMCell, RNNCell  # noqa: F401
from .serialization import *  # noqa: F403
from .summary import *  # noqa: F403
from .training import *  # noqa: F403
from .upsampling import *  # noqa: F403
