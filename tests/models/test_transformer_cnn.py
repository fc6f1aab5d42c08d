import pytest
import torch

from sklearn_ser.models import TransformerCNN
from sklearn_ser.models._transformer_cnn import sinusoidal_encoding


def _n_parameters(model):
    return sum(p.numel() for p in model.parameters())


def test_paper_parameter_count():
    assert _n_parameters(TransformerCNN(40, 282, 8)) == 248_488


def test_flatten_size_follows_the_input():
    model = TransformerCNN(40, 282, 8)
    assert model.linear.in_features == 512 + 512 + 40
    other = TransformerCNN(128, 63, 4)
    assert other(torch.randn(2, 128, 63)).shape == (2, 4)


@pytest.mark.parametrize("n_bands, n_frames", [(1, 1), (1, 40), (2, 5), (3, 2)])
def test_tiny_inputs(n_bands, n_frames):
    model = TransformerCNN(n_bands, n_frames, 3, n_heads=1, positional_encoding=True)
    assert model(torch.randn(2, n_bands, n_frames)).shape == (2, 3)


def test_bands_the_heads_do_not_divide_are_projected_to_a_multiple():
    paper = TransformerCNN(40, 282, 8)
    assert isinstance(paper.projection, torch.nn.Identity)
    assert sum(p.numel() for p in paper.parameters()) == 248_488
    odd = TransformerCNN(10, 20, 3)
    assert (odd.projection.in_features, odd.projection.out_features) == (10, 12)
    assert odd(torch.randn(2, 10, 20)).shape == (2, 3)
    assert TransformerCNN(10, 20, 3, d_model=16).projection.out_features == 16
    with pytest.raises(ValueError, match="d_model=6 is not divisible by n_heads=4"):
        TransformerCNN(10, 20, 3, d_model=6)


def test_positional_encoding_makes_the_encoder_order_aware():
    torch.manual_seed(0)
    X = torch.randn(1, 4, 16)
    reversed_X = X.flip(-1)
    for positional, order_aware in [(False, False), (True, True)]:
        model = TransformerCNN(
            4, 16, 2, cnn_channels=(1, 1, 1), time_pool=1, n_heads=2, positional_encoding=positional
        ).eval()

        def summary(x, model=model):
            sequence = model.projection(model.time_pool(x).transpose(1, 2))
            if model.positions is not None:
                sequence = sequence + model.positions
            return model.encoder(sequence).mean(1)

        differs = not torch.allclose(summary(X), summary(reversed_X), atol=1e-5)
        assert differs == order_aware


@pytest.mark.parametrize("d_model", [1, 3, 40])
def test_sinusoidal_encoding_any_width(d_model):
    encoding = sinusoidal_encoding(7, d_model)
    assert encoding.shape == (7, d_model)
    assert torch.allclose(encoding[0, 0::2], torch.zeros(len(range(0, d_model, 2))))
