"""nn.save / nn.load: .npz with state_dict names and PyTorch layouts, atomic writes, no pickle."""

import os
import pickle

import numpy as np
import pytest

import autograd as ag
import nn


def _mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _cnn():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3)
    )


def test_round_trip_restores_the_same_outputs(tmp_path):
    ag.manual_seed(0)
    model = _mlp()
    path = tmp_path / "model.npz"
    nn.save(model, path)
    ag.manual_seed(1)
    fresh = _mlp()
    x = ag.randn(5, 4)
    assert not np.allclose(fresh(x).numpy(), model(x).numpy())
    nn.load_state_dict_file(fresh, path)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_file_holds_state_dict_names_and_pytorch_layouts(tmp_path):
    model = _cnn()
    nn.save(model, tmp_path / "cnn.npz")
    with np.load(tmp_path / "cnn.npz", allow_pickle=False) as archive:
        shapes = {name: archive[name].shape for name in archive.files}
    assert shapes["0.weight"] == (4, 1, 3, 3)  # Conv2d (out, in, kh, kw)
    assert shapes["5.weight"] == (3, 64)  # Linear (out, in)
    assert set(shapes) == set(model.state_dict())
    loaded = nn.load(tmp_path / "cnn.npz")
    assert all(isinstance(t, ag.Tensor) and not t.requires_grad for t in loaded.values())
    np.testing.assert_array_equal(loaded["1.running_var"].numpy(), model.state_dict()["1.running_var"].numpy())


def test_a_dict_of_arrays_saves_too_with_any_key(tmp_path):
    nn.save({"file": np.arange(3), "a.b": ag.tensor([1.5])}, tmp_path / "d.npz")
    loaded = nn.load(tmp_path / "d.npz")
    np.testing.assert_array_equal(loaded["file"].numpy(), [0, 1, 2])
    assert loaded["a.b"].item() == 1.5


def test_loads_into_the_same_network_in_torch(tmp_path):
    torch = pytest.importorskip("torch")
    ag.manual_seed(0)
    model = _cnn()
    model.train()
    model(ag.randn(8, 1, 8, 8))  # move the batch norm running statistics away from their defaults
    model.eval()
    nn.save(model, tmp_path / "cnn.npz")
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64, 3),
    )  # fmt: skip
    state = {k: torch.from_numpy(v.numpy()) for k, v in nn.load(tmp_path / "cnn.npz").items()}
    reference.load_state_dict(state)  # strict: same names, same shapes
    reference.eval()
    x = np.random.default_rng(0).standard_normal((2, 1, 8, 8)).astype(np.float32)
    with torch.no_grad():
        expected = reference(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-5)


def test_torch_weights_load_here_too(tmp_path):
    torch = pytest.importorskip("torch")
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    nn.save({k: v.detach().numpy() for k, v in reference.state_dict().items()}, tmp_path / "t.npz")
    model = nn.load_state_dict_file(_mlp(), tmp_path / "t.npz")
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    with torch.no_grad():
        expected = reference(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(ag.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_save_from_device_loads_on_the_cpu(tmp_path, device):
    model = _mlp().to(device)
    nn.save(model, tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    assert all(t.device == "cpu" for t in loaded.values())
    np.testing.assert_array_equal(loaded["0.weight"].numpy(), model.state_dict()["0.weight"].numpy())
    on_device = nn.load(tmp_path / "m.npz", device=device)
    assert on_device["2.bias"].device == device


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = {"w": np.arange(6.0)}
    nn.save(old, path)
    before = path.read_bytes()
    real_write = np.lib.format.write_array
    calls = []

    def write_then_crash(fp, array, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first array is written, then the process "dies" mid-file
            fp.write(b"partial")
            raise KeyboardInterrupt("simulated crash")
        return real_write(fp, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.zeros(1000), "v": np.ones(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is cleaned up
    np.testing.assert_array_equal(nn.load(path)["w"].numpy(), old["w"])


def test_loading_never_unpickles(tmp_path):
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return exec, (f"open({str(marker)!r}, 'w')",)

    pickled = tmp_path / "model.pt"
    pickled.write_bytes(pickle.dumps({"0.weight": Exploit()}))
    with pytest.raises(ValueError, match="not a readable .npz"):
        nn.load(pickled)
    object_npz = tmp_path / "objects.npz"
    np.savez(object_npz, w=np.array([Exploit()], dtype=object))
    with pytest.raises(ValueError, match="not a readable .npz"):
        nn.load(object_npz)
    assert not marker.exists()


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file"):
        nn.load(tmp_path / "missing.npz")
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="not a readable .npz"):
        nn.load(tmp_path / "cut.npz")
    nn.save({"0.weight": np.zeros((8, 4))}, tmp_path / "partial.npz")
    with pytest.raises(RuntimeError, match=r"missing keys: .*'0.bias'"):
        nn.load_state_dict_file(_mlp(), tmp_path / "partial.npz")
    with pytest.raises(TypeError, match="only numeric arrays"):
        nn.save({"w": np.array(["a"])}, tmp_path / "s.npz")
