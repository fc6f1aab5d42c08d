import pytest
import torch

from sklearn_ser.models import CNNLSTM, CNNLSTM1D


def _lstm_steps(model, X):
    return model.blocks(X.unsqueeze(1)).shape[-1]


@pytest.mark.parametrize("n_bands, n_frames", [(1, 1), (1, 50), (2, 5), (13, 3), (40, 100)])
def test_2d_any_input_size(n_bands, n_frames):
    model = CNNLSTM(n_bands, n_frames, n_classes=5, channels=(2, 2, 4, 4), hidden_size=3)
    assert model(torch.randn(3, n_bands, n_frames)).shape == (3, 5)


def test_2d_paper_pools_collapse_time_and_time_pool_sizes_keep_it():
    X = torch.zeros(1, 128, 251)
    paper = CNNLSTM(128, 251, 8, channels=(2, 2, 2, 2), hidden_size=4)
    assert _lstm_steps(paper, X) == 1
    gentle = CNNLSTM(
        128, 251, 8, channels=(2, 2, 2, 2), hidden_size=4, time_pool_sizes=(2, 2, 2, 2)
    )
    assert _lstm_steps(gentle, X) == 251 // 16
    # LSTM features are channels times the remaining frequency bins
    assert paper.head.lstm.input_size == 2 * 1


def test_2d_default_widths_are_the_papers():
    model = CNNLSTM(128, 251, 7)
    convs = [block[0] for block in model.blocks]
    assert [c.out_channels for c in convs] == [64, 64, 128, 128]
    assert [block[3].kernel_size for block in model.blocks] == [(2, 2), (4, 4), (4, 4), (4, 4)]


def test_2d_delta_channels_feed_the_first_block_only():
    plain = CNNLSTM(16, 20, 4, channels=(2, 2, 4, 4), hidden_size=3)
    deltas = CNNLSTM(16, 20, 4, channels=(2, 2, 4, 4), hidden_size=3, delta_order=2)
    assert deltas.blocks[0][0].in_channels == 3
    assert deltas(torch.randn(5, 16, 20)).shape == (5, 4)
    # the same weights apart from the first convolution's extra inputs
    shapes = {name: p.shape for name, p in plain.state_dict().items()}
    changed = [n for n, p in deltas.state_dict().items() if p.shape != shapes[n]]
    assert changed == ["blocks.0.0.weight"]


def test_2d_mismatched_time_pools():
    with pytest.raises(ValueError, match="time_pool_sizes has 2 entries"):
        CNNLSTM(8, 8, 2, time_pool_sizes=(2, 2))


@pytest.mark.parametrize("n_samples", [1, 3, 100, 16000])
def test_1d_any_length(n_samples):
    model = CNNLSTM1D(n_samples, n_classes=4, channels=(2, 2, 3, 3), hidden_size=3)
    assert model(torch.randn(2, n_samples)).shape == (2, 4)


def test_1d_steps_follow_the_pools():
    model = CNNLSTM1D(128000, 8, channels=(1, 1, 1, 1), hidden_size=2)
    assert _lstm_steps(model, torch.zeros(1, 128000)) == 500


def test_invalid_sizes_are_named():
    with pytest.raises(ValueError, match="n_frames must be a positive integer"):
        CNNLSTM(4, 0, 2)
    with pytest.raises(ValueError, match="n_classes"):
        CNNLSTM1D(10, 0)
