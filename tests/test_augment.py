"""ae_core.augment and the trainer's ``augment_shift``: translations, checked image by image."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from ae_core import TrainConfig, Trainer, build_model, make_config
from ae_core.augment import random_shift
from ae_core.errors import ConfigError


def translated(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """The reference, written plainly: content moves by (dy, dx), zeros come in."""
    out = np.zeros_like(image)
    h, w = image.shape[-2:]
    for r, c in itertools.product(range(h), range(w)):
        if 0 <= r - dy < h and 0 <= c - dx < w:
            out[..., r, c] = image[..., r - dy, c - dx]
    return out


def offset_of(original: np.ndarray, shifted: np.ndarray, s: int) -> tuple[int, int]:
    found = [(dy, dx) for dy in range(-s, s + 1) for dx in range(-s, s + 1)
             if np.array_equal(translated(original, dy, dx), shifted)]
    assert len(found) == 1, found
    return found[0]


def test_every_image_is_its_own_translation_by_at_most_the_shift():
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.random((300, 3, 7, 9)) + 0.1, dtype=torch.float32)  # no zeros inside
    out = random_shift(x, 2, torch.Generator().manual_seed(1))
    assert out.shape == x.shape and out.dtype == x.dtype
    offsets = [offset_of(a, b, 2) for a, b in zip(x.numpy(), out.numpy(), strict=True)]
    assert len(set(offsets)) > 15  # of the 25 possible: each image draws its own


def test_offsets_are_uniform_over_the_square():
    x = torch.zeros(20_000, 1, 5, 5)
    x[:, 0, 2, 2] = 1.0  # one lit pixel: where it lands is the offset
    out = random_shift(x, 1, torch.Generator().manual_seed(0))
    where = out.view(len(x), -1).argmax(dim=1)
    counts = torch.bincount(where, minlength=25).view(5, 5)[1:4, 1:4].flatten().float()
    assert counts.sum() == len(x)
    expected = len(x) / 9
    assert float(((counts - expected) ** 2 / expected).sum()) < 26.1  # chi², 8 dof, p = 0.001


def test_zero_shift_is_the_identity_and_draws_nothing():
    x = torch.rand(4, 1, 8, 8)
    gen = torch.Generator().manual_seed(3)
    assert random_shift(x, 0, gen) is x
    assert torch.equal(torch.rand(2, generator=gen), torch.rand(2, generator=torch.Generator()
                                                               .manual_seed(3)))


def test_a_shift_as_large_as_the_image_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        random_shift(torch.rand(2, 1, 4, 4), 4)


def small_model(seed: int = 0):
    return build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(32,)), seed=seed)


def test_training_with_shifts_is_reproducible_and_differs_from_without(digits_x):
    def trained(shift: int, seed: int = 7):
        model = small_model()
        Trainer(model, TrainConfig(epochs=2, batch_size=64, seed=seed,
                                   augment_shift=shift)).fit(digits_x[:512])
        return {k: v.clone() for k, v in model.state_dict().items()}

    first, again, plain = trained(1), trained(1), trained(0)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not all(torch.equal(first[k], plain[k]) for k in first)


def test_the_trainer_refuses_a_shift_too_large_for_its_images(digits_x):
    trainer = Trainer(small_model(), TrainConfig(epochs=1, augment_shift=8))
    with pytest.raises(ConfigError, match="too large for 8×8"):
        trainer.fit(digits_x[:64])


@pytest.mark.parametrize("shift, shape, fits", [
    (7, (1, 8, 8), True), (8, (1, 8, 8), False), (8, (1, 28, 28), True), (3, (1, 28, 3), False)])
def test_a_shift_is_checked_against_the_image_size_before_any_training(shift, shape, fits):
    config = TrainConfig(augment_shift=shift).validate()
    if fits:
        assert config.check_fits(shape) is config
    else:
        with pytest.raises(ConfigError, match=f"too large for {shape[1]}×{shape[2]}"):
            config.check_fits(shape)
