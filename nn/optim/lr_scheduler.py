"""Learning-rate schedules: change each parameter group's ``lr`` as the epochs go by.

Call ``scheduler.step()`` once per epoch, after the epoch's ``optimizer.step()`` calls::

    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    scheduler = nn.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(30):
        train_one_epoch(...)
        scheduler.step()          # lr: 0.1 for epochs 0-9, 0.05 for 10-19, 0.025 for 20-29

Each schedule is a closed formula of the epoch counter t (``last_epoch``) and the
group's starting rate lr_0 (``base_lrs``), so it is easy to plot and to resume.
"""

import copy
import math

from .optimizer import Optimizer, _is_number

__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "StepLR"]


def _setting(value, what, whole=False, positive=False):
    """A schedule's setting checked when the schedule is made, not at the first ``step()``."""
    if not _is_number(value) or (whole and int(value) != value):
        kind = "a whole number" if whole else "a number"
        raise TypeError(f"{what} must be {kind}, got {value!r} ({type(value).__name__})")
    if positive and not value > 0:
        raise ValueError(f"{what} must be {'a positive whole number' if whole else '> 0'}, got {value!r}")
    return int(value) if whole else value


class LRScheduler:
    """Base class: sets every group's ``lr`` to ``lr_at(lr_0, t)`` at each ``step()``.

    ``last_epoch`` is t, the number of ``step()`` calls so far (-1 starts fresh: the
    constructor then takes one step to t = 0, as PyTorch does).
    """

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an nn.optim optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs 'initial_lr' in "
                    f"parameter group {i}; load the optimizer's state_dict first"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr, t):
        """The learning rate at epoch t of a group that started at ``base_lr``."""
        raise NotImplementedError(f"{type(self).__name__}.lr_at")

    def step(self):
        """Advance one epoch and set each group's learning rate."""
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base_lr, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self):
        """The schedule's settings and position (everything but the optimizer)."""
        return copy.deepcopy({k: v for k, v in self.__dict__.items() if k != "optimizer"})

    def load_state_dict(self, state_dict):
        """Resume a schedule saved with ``state_dict()``."""
        self.__dict__.update(copy.deepcopy(state_dict))

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.get_last_lr()})"


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs: lr_t = lr_0 * gamma^floor(t / step_size)."""

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = _setting(step_size, "StepLR: step_size", whole=True, positive=True)
        self.gamma = _setting(gamma, "StepLR: gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        """lr_t = lr_0 * gamma^floor(t / step_size)."""
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: lr_t = lr_0 * gamma^t."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = _setting(gamma, "ExponentialLR: gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        """lr_t = lr_0 * gamma^t."""
        return base_lr * self.gamma**t


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from lr_0 down to ``eta_min`` over ``T_max`` epochs:

    lr_t = eta_min + (lr_0 - eta_min) * (1 + cos(pi * t / T_max)) / 2

    (after T_max the cosine climbs again, as in PyTorch).
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = _setting(T_max, "CosineAnnealingLR: T_max", positive=True)
        self.eta_min = _setting(eta_min, "CosineAnnealingLR: eta_min")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        """lr_t = eta_min + (lr_0 - eta_min) * (1 + cos(pi t / T_max)) / 2."""
        return self.eta_min + (base_lr - self.eta_min) * (1.0 + math.cos(math.pi * t / self.T_max)) / 2.0
