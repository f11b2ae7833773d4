"""Every variant × architecture × loss builds, trains a step and round-trips its config."""

from __future__ import annotations

import math

import pytest
import torch

from ae_core.embedders import Embedder
from ae_core.errors import ConfigError
from ae_core.models import VARIANTS, build_model, config_from_dict, make_config
from ae_core.models.sparse_kl import kl_sparsity
from ae_core.models.sparse_l1 import l1_penalty
from ae_core.models.vae import gaussian_kl

SHAPES = [(1, 8, 8), (1, 28, 28)]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("arch", ["mlp", "conv"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("shape", SHAPES, ids=["8x8", "28x28"])
def test_shapes_round_trip_and_a_training_step(variant, arch, loss, shape):
    config = make_config(variant, arch=arch, loss=loss, input_shape=shape, hidden=(32,),
                         channels=(4, 8), latent_dim=3)
    model = build_model(config, seed=0)
    assert isinstance(model, Embedder)
    x = torch.rand(6, *shape)
    z = model.encode(x)
    assert z.shape == (6, 3)
    out = model.decode(z)
    assert out.shape == x.shape
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    assert torch.allclose(model.reconstruct(x), out, atol=1e-6)
    # one optimisation step lowers nothing in particular but must produce finite gradients
    total, parts = model.loss_terms(x, torch.Generator().manual_seed(0))
    total.backward()
    assert math.isfinite(float(total.detach())) and "recon" in parts
    assert all(p.grad is None or torch.isfinite(p.grad).all() for p in model.parameters())
    # the JSON config rebuilds the same architecture
    again = build_model(config_from_dict(config.to_dict()), seed=0)
    assert torch.equal(again.reconstruct(x), model.reconstruct(x))


def test_conv_handles_odd_sizes():
    model = build_model(make_config("vanilla", arch="conv", input_shape=(1, 13, 13),
                                    channels=(4, 8, 8), hidden=()))
    assert model.reconstruct(torch.rand(2, 1, 13, 13)).shape == (2, 1, 13, 13)


@pytest.mark.parametrize("settings, words", [
    ({"latent_dim": 0}, "latent dimension"),
    ({"latent_dim": 10**6}, "latent dimension"),
    ({"hidden": [10**6]}, "hidden layer widths"),
    ({"loss": "bce", "output": "linear"}, "sigmoid output"),
    ({"arch": "transformer"}, "architecture"),
    ({"input_shape": [1, 8, 8], "arch": "conv", "channels": [4, 4, 4, 4]}, "at least 16"),
    ({"latent_dim": "two"}, "whole number"),
    ({"colour": "red"}, "unknown setting"),
    ({"dropout": 1.0}, "dropout"),
    ({"dropout": -0.1}, "dropout"),
])
def test_absurd_configs_are_refused_with_a_message(settings, words):
    with pytest.raises(ConfigError, match=f"(?i){words}"):
        make_config("vanilla", **settings)


@pytest.mark.parametrize("variant, settings, words", [
    ("vae", {"beta": -1.0}, "β"),
    ("sparse_kl", {"rho": 1.5}, "ρ"),
    ("sparse_l1", {"l1_weight": float("nan")}, "finite"),
    ("denoising", {"noise": "pink"}, "noise must be one of"),
    ("denoising", {"noise": "masking", "noise_level": 1.5}, "between 0 and 1"),
])
def test_objective_parameters_are_validated(variant, settings, words):
    with pytest.raises(ConfigError, match=f"(?i){words}"):
        make_config(variant, **settings)


def test_dropout_regularises_training_only_and_leaves_other_models_unchanged():
    plain = build_model(make_config("vanilla", input_shape=[1, 8, 8], hidden=[16, 8]), seed=0)
    dropped = build_model(make_config("vanilla", input_shape=[1, 8, 8], hidden=[16, 8],
                                      dropout=0.5), seed=0)
    assert not any(isinstance(m, torch.nn.Dropout) for m in plain.modules())
    assert sum(isinstance(m, torch.nn.Dropout) for m in dropped.modules()) == 4  # 2 + 2 layers
    # same parameters, same names: dropout adds no weights, and plain models keep theirs
    assert [p.shape for p in plain.parameters()] == [p.shape for p in dropped.parameters()]
    x = torch.rand(32, 1, 8, 8)
    assert torch.equal(dropped.encode(x), dropped.encode(x))  # inference: no dropout
    dropped.train()
    hidden = dropped.encoder.net[:4](x)  # flatten, linear, relu, dropout
    assert (hidden == 0).float().mean() > 0.3


def test_unknown_variant_is_refused():
    with pytest.raises(ConfigError, match="Unknown model variant"):
        config_from_dict({"variant": "gan"})


def test_gaussian_kl_matches_the_closed_form_and_torch_distributions():
    assert float(gaussian_kl(torch.zeros(1, 3), torch.zeros(1, 3))) == 0.0
    # 1-D, μ = 1, σ = 1: ½ μ² = 0.5
    assert float(gaussian_kl(torch.ones(1, 1), torch.zeros(1, 1))) == pytest.approx(0.5)
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(5, 4, generator=g), torch.randn(5, 4, generator=g)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros(4), torch.ones(4))
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    assert torch.allclose(gaussian_kl(mu, logvar), expected, atol=1e-5)


def test_vae_loss_reports_the_kl_of_its_own_posterior():
    model = build_model(make_config("vae", input_shape=(1, 8, 8), beta=2.0), seed=1)
    x = torch.rand(16, 1, 8, 8)
    total, parts = model.loss_terms(x, torch.Generator().manual_seed(0))
    mu, logvar = model.distribution(x)
    assert float(parts["kl"]) == pytest.approx(float(gaussian_kl(mu, logvar).mean().detach()),
                                            rel=1e-5)
    assert float(total.detach()) == pytest.approx(float(parts["recon"]) + 2.0 * float(parts["kl"]),
                                         rel=1e-5)


def test_vae_sampling_uses_the_generator_and_encode_returns_the_mean():
    model = build_model(make_config("vae", input_shape=(1, 8, 8)), seed=0)
    x = torch.rand(4, 1, 8, 8)
    z1, _ = model.latent(x, torch.Generator().manual_seed(3), sample=True)
    z2, _ = model.latent(x, torch.Generator().manual_seed(3), sample=True)
    assert torch.equal(z1, z2)
    mu, _ = model.encode_distribution(x)
    assert torch.allclose(model.encode(x), mu)
    assert not torch.allclose(z1, mu)


def test_l1_penalty_by_hand():
    z = torch.tensor([[1.0, -2.0], [0.0, 3.0]])
    assert float(l1_penalty(z)) == pytest.approx((3 + 3) / 2)
    sizes = torch.tensor([0.5, 2.0])  # each unit's |code| weighed by what it paints
    assert float(l1_penalty(z, sizes)) == pytest.approx((0.5 + 4 + 6) / 2)


def test_kl_sparsity_by_hand():
    z = torch.tensor([[0.1, 0.5], [0.3, 0.5]])  # mean activations 0.2 and 0.5
    rho = 0.1

    def kl(r, q):
        return r * math.log(r / q) + (1 - r) * math.log((1 - r) / (1 - q))

    assert float(kl_sparsity(z, rho)) == pytest.approx(kl(rho, 0.2) + kl(rho, 0.5), rel=1e-5)
    assert float(kl_sparsity(torch.full((3, 4), rho), rho)) == pytest.approx(0.0, abs=1e-6)


def test_sparse_regularisers_enter_the_total_with_their_weight():
    """β and λ are per pixel and per unit: the term is weight · D / K times the penalty, so
    it keeps its size against the reconstruction summed over D pixels (issue 17)."""
    x = torch.rand(8, 1, 28, 28)
    for variant, weight in (("sparse_l1", {"l1_weight": 0.5}),
                            ("sparse_kl", {"sparsity_weight": 0.5})):
        model = build_model(make_config(variant, input_shape=(1, 28, 28), latent_dim=16,
                                        **weight))
        total, parts = model.loss_terms(x)
        expected = float(parts["recon"]) + 0.5 * 784 / 16 * float(parts["sparsity"])
        assert float(total.detach()) == pytest.approx(expected, rel=1e-5), variant
        half, _ = model.loss_terms(x, penalty_scale=0.5)  # the trainer's warm-up factor
        assert float(half.detach()) == pytest.approx(float(parts["recon"])
                                            + 0.25 * 784 / 16 * float(parts["sparsity"]),
                                            rel=1e-5)


def test_the_l1_penalty_cannot_be_paid_off_by_rescaling_codes_into_the_decoder():
    """Halving unit j's codes and doubling its decoder column paints the same images; a plain
    Σ|z| would halve, the penalty weighed by the column's size does not move."""
    model = build_model(make_config("sparse_l1", input_shape=(1, 8, 8), latent_dim=6), seed=0)
    x = torch.rand(16, 1, 8, 8)
    _, before = model.loss_terms(x)
    with torch.no_grad():
        model.head.weight[2] *= 0.5
        model.head.bias[2] *= 0.5
        model.decoder.net[0].weight[:, 2] *= 2.0
    _, after = model.loss_terms(x)
    assert float(after["recon"]) == pytest.approx(float(before["recon"]), rel=1e-5)
    assert float(after["sparsity"]) == pytest.approx(float(before["sparsity"]), rel=1e-5)
