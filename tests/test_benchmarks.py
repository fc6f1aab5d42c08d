"""The RAVDESS benchmark's rows build, its votes name finished rows, and its
committed tables are those that its committed results give; the same for
the reproduction of Zenkov's leaky protocol."""

import importlib
import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from sklearn_ser.evaluation import EMOBOX_RAVDESS_FOLDS

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def import_benchmark(monkeypatch):
    """Import a script of benchmarks/ as a module; the scripts import each other."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module


@pytest.fixture
def bench(import_benchmark):
    return {name: import_benchmark(name) for name in ("ravdess_rows", "ravdess_tables")}


def test_every_row_builds_and_every_vote_and_archive_names_a_row(bench):
    rows = bench["ravdess_rows"]
    assert not set(rows.ROWS) & set(rows.VOTES)
    for name in rows.ROWS:
        assert hasattr(rows.build(name, seed=1, device="cpu", epochs=3), "fit"), name
    for name, vote in rows.VOTES.items():
        assert set(vote.members) <= {*rows.ROWS, *rows.VOTES}, name
        assert name not in vote.members
    # An archived row names the rows that superseded or absorbed it.
    for name, entry in {**rows.ROWS, **rows.VOTES}.items():
        for word in (entry.archived or "").split():
            if "-" in word:
                assert word.strip("(),;") in {*rows.ROWS, *rows.VOTES}, name


def test_neural_rows_take_the_runners_options_unless_they_set_their_own(bench):
    build = bench["ravdess_rows"].build
    paper = build("cnn-lstm-paper", seed=5, device="cuda", epochs=7)[-1]
    assert (paper.random_state, paper.device, paper.max_epochs) == (5, "cuda", 7)
    assert paper.validation_fraction == 0.1 and paper.ema_decay is None
    full = build("cnn-lstm-crop-spk-wide-trim-full-seed2", seed=5, epochs=7)[-1]
    assert (full.random_state, full.max_epochs, full.validation_fraction) == (7, 60, None)


def test_the_committed_tables_are_rebuilt_from_the_committed_results(bench):
    tables = bench["ravdess_tables"]
    results = tables.read_results(BENCHMARKS / "results")
    readme = (BENCHMARKS / "results" / "README.md").read_text(encoding="utf-8")
    include = BENCHMARKS.parent / "docs" / "user_guide" / "ravdess_results.inc"
    message = "run python benchmarks/ravdess.py (no row) to rebuild the tables"
    assert tables.markdown(results) == readme, message
    assert tables.rst(results) == include.read_text(encoding="utf-8"), message


def test_rows_unknown_to_the_script_and_other_folds_are_tabled_and_labelled(bench, tmp_path):
    tables = bench["ravdess_tables"]
    folds = [{"uar": uar, "accuracy": uar} for uar in (0.7, 0.8)]
    for name, protocol in (("recommended-spk", EMOBOX_RAVDESS_FOLDS.folds), ("mystery", None)):
        run = {
            "model": name,
            "command": f"python benchmarks/recommended.py {name}",
            "wall_time_s": 600.0,
            "hardware": "CPU: x86_64, 2 threads",
        }
        if protocol:
            run["folds"] = protocol
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(json.dumps({"run": run, "folds": folds}))
    text = tables.markdown(tables.read_results(tmp_path))
    assert "## The recommended model" in text and "## Other rows" in text
    assert (
        "| `recommended-spk` `benchmarks/recommended.py` (EmoBox's folds) "
        "| 75.0 ± 7.1 | 75.0 ± 7.1 | 10.0 † |"
    ) in text
    assert "0 archived rows" in text


@pytest.fixture
def zenkov(import_benchmark):
    return import_benchmark("zenkov_leaky")


def test_the_leaky_split_is_80_10_10_and_keeps_the_emotion_shares(zenkov):
    y = np.repeat(["angry", "calm", "sad"], 40)
    train, valid, test = zenkov.leaky_split(y, seed=0)
    assert (len(train), len(valid), len(test)) == (96, 12, 12)
    assert len(set(train) | set(valid) | set(test)) == len(y)
    for part in (valid, test):
        assert sorted(y[part]) == ["angry"] * 4 + ["calm"] * 4 + ["sad"] * 4


def test_noisy_copies_follow_the_clips_at_the_snr_asked(zenkov):
    clips = [np.sin(np.arange(16000) / 5).astype(np.float32)] * 2
    out, labels = zenkov.with_noisy_copies(clips, ["a", "b"], np.random.default_rng(0))
    assert len(out) == 6 and list(labels) == ["a", "b"] * 3
    for copy in out[2:]:
        noise = copy - clips[0]
        snr = 10 * np.log10(np.mean(clips[0] ** 2) / np.mean(noise**2))
        assert zenkov.SNR_DB[0] - 0.2 <= snr <= zenkov.SNR_DB[1] + 0.2


def test_the_committed_leaky_table_is_the_committed_results(zenkov):
    results = json.loads(zenkov.RESULTS.read_text(encoding="utf-8"))
    assert zenkov.docs_table(results) == zenkov.DOCS_TABLE.read_text(encoding="utf-8")
    chosen = max(results["curve"], key=lambda row: (row["valid"]["accuracy"], -row["epoch"]))
    assert results["chosen_epoch"] == chosen["epoch"]  # chosen on validation, not test


@pytest.fixture
def cross_corpus(import_benchmark):
    return import_benchmark("cross_corpus")


def test_the_committed_cross_corpus_tables_are_the_committed_results(cross_corpus):
    committed = (cross_corpus.RESULTS / "README.md").read_text(encoding="utf-8")
    assert cross_corpus.results_table() == committed


def test_three_corpus_rows_rerun_a_row_on_four_emotions_with_and_without_synthetic(
    cross_corpus,
):
    rows = cross_corpus.FOUR_EMOTION_ROWS
    assert {row for row, _ in rows.values()} <= set(cross_corpus.ROWS)
    for name, (row, synthetic) in rows.items():
        assert rows[name.removesuffix("+synthetic")] == (row, False)
        assert name.endswith("+synthetic") == synthetic


def test_committed_results_name_no_folder_of_the_machine_that_ran_them():
    # A cache or data folder in a recorded parameter is where it lay on one
    # machine; the results say what was run, relative to the repository.
    absolute = re.compile(r"""PosixPath\('/|WindowsPath\('|["']/(home|root|tmp|work|Users)/""")
    for path in sorted((BENCHMARKS / "results").rglob("*")):
        if path.suffix in {".json", ".md"}:
            found = absolute.search(path.read_text(encoding="utf-8"))
            assert found is None, f"{path.relative_to(BENCHMARKS)} names {found.group()}..."


def _ctranslate2_file(path, arrays):
    """Write ``arrays`` as CTranslate2's model.bin lays them out."""

    def text(value):
        return struct.pack("H", len(value) + 1) + value.encode() + b"\0"

    codes = {np.dtype(np.float32): 0, np.dtype(np.int32): 3, np.dtype(np.float16): 4}
    parts = [struct.pack("I", 6), text("WhisperSpec"), struct.pack("II", 3, len(arrays))]
    for name, array in arrays.items():
        parts += [text(name), struct.pack("B", array.ndim)]
        parts += [struct.pack("I", n) for n in array.shape]
        parts += [struct.pack("=BI", codes[array.dtype], array.nbytes), array.tobytes()]
    path.write_bytes(b"".join([*parts, struct.pack("I", 0)]))


def test_whisper_weights_carry_an_encoder_over_from_ctranslate2(import_benchmark, tmp_path):
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    whisper_weights = import_benchmark("whisper_weights")
    config = transformers.WhisperConfig(
        num_mel_bins=8, d_model=16, encoder_layers=2, encoder_attention_heads=2,
        encoder_ffn_dim=24, max_source_positions=30, **whisper_weights.placeholder_decoder(2),
    )  # fmt: skip
    torch.manual_seed(0)
    encoder = transformers.WhisperModel(config).encoder.eval()
    weights = {k: v.detach().numpy().astype(np.float16) for k, v in encoder.state_dict().items()}
    # CTranslate2's names; it fuses the query, key and value projections.
    ct2 = {"encoder/num_heads": np.array(2, dtype=np.int32)}
    for conv in ("conv1", "conv2"):
        ct2 |= {f"encoder/{conv}/{p}": weights[f"{conv}.{p}"] for p in ("weight", "bias")}
    ct2["encoder/position_encodings/encodings"] = weights["embed_positions.weight"]
    norms = {
        "self_attn_layer_norm": "self_attention/layer_norm",
        "final_layer_norm": "ffn/layer_norm",
    }
    for i in range(2):
        ours, theirs = f"layers.{i}.", f"encoder/layer_{i}/"
        q, k, v = (weights[f"{ours}self_attn.{x}_proj.weight"] for x in "qkv")
        ct2[theirs + "self_attention/linear_0/weight"] = np.concatenate([q, k, v])
        ct2[theirs + "self_attention/linear_0/bias"] = np.concatenate(
            [weights[ours + "self_attn.q_proj.bias"], np.zeros(16, np.float16),
             weights[ours + "self_attn.v_proj.bias"]]
        )  # fmt: skip
        for mine, source in [("self_attn.out_proj", "self_attention/linear_1"),
                             ("fc1", "ffn/linear_0"), ("fc2", "ffn/linear_1")]:  # fmt: skip
            for p in ("weight", "bias"):
                ct2[f"{theirs}{source}/{p}"] = weights[f"{ours}{mine}.{p}"]
        for mine, source in norms.items():
            ct2[theirs + source + "/gamma"] = weights[f"{ours}{mine}.weight"]
            ct2[theirs + source + "/beta"] = weights[f"{ours}{mine}.bias"]
    ct2["encoder/layer_norm/gamma"] = weights["layer_norm.weight"]
    ct2["encoder/layer_norm/beta"] = weights["layer_norm.bias"]
    _ctranslate2_file(tmp_path / "model.bin", ct2)

    whisper_weights.main([str(tmp_path / "model.bin"), "--out", str(tmp_path / "hf")])
    loaded = transformers.AutoModel.from_pretrained(tmp_path / "hf").get_encoder().eval()
    features = torch.randn(3, 8, 60)
    encoder.to(torch.float16).float()  # the weights as stored, in float16
    with torch.no_grad():
        expected = encoder(features).last_hidden_state
        np.testing.assert_allclose(loaded(features).last_hidden_state, expected, atol=1e-5)
    extractor = transformers.AutoFeatureExtractor.from_pretrained(tmp_path / "hf")
    assert extractor.feature_size == 8
