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


# ---------------------------------------------------------------- shapes, temporary file, errors


def test_zero_d_buffers_keep_their_shape_and_batchnorm_models_reload(tmp_path):
    ag.manual_seed(0)
    model = _cnn()
    model.train()
    model(ag.randn(4, 1, 8, 8))  # num_batches_tracked becomes 1
    nn.save(model, tmp_path / "bn.npz")
    loaded = nn.load(tmp_path / "bn.npz")
    for name, value in model.state_dict().items():
        assert loaded[name].shape == value.shape, name
    assert loaded["1.num_batches_tracked"].shape == () and loaded["1.num_batches_tracked"].item() == 1
    fresh = nn.load_state_dict_file(_cnn(), tmp_path / "bn.npz")  # strict: every shape must match
    fresh.eval()
    model.eval()
    x = ag.randn(2, 1, 8, 8)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
    nn.save({"scalar": ag.tensor(2.5), "empty": np.zeros((0, 3)), "cube": np.ones((1, 1, 1))}, tmp_path / "s.npz")
    assert {k: v.shape for k, v in nn.load(tmp_path / "s.npz").items()} == {
        "scalar": (),
        "empty": (0, 3),
        "cube": (1, 1, 1),
    }


def test_the_temporary_file_sits_next_to_the_target_under_a_derived_name(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def watch(source, target):
        seen.append((os.path.basename(source), sorted(os.listdir(tmp_path))))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", watch)
    nn.save(_mlp(), tmp_path / "model.npz")
    assert seen == [(".model.npz.tmp.npz", [".model.npz.tmp.npz"])]
    assert os.listdir(tmp_path) == ["model.npz"]


_SAVE_FOREVER = """
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
import nn
state = {f"layer{i}.weight": np.full((1000, 1000), float(i)) for i in range(4)}  # 32 MB per save
print("ready", flush=True)
while True:
    nn.save(state, sys.argv[2])
"""


def _written_since(folder, start_ns):
    """Files other than the target that were written to after ``start_ns`` (a save in progress)."""
    found = []
    for name in os.listdir(folder):
        try:
            if name != "model.npz" and os.stat(folder / name).st_mtime_ns >= start_ns:
                found.append(name)
        except FileNotFoundError:  # renamed into place meanwhile
            pass
    return found


def test_a_killed_save_leaves_at_most_one_temporary_file_which_the_next_save_replaces(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    repo = str(Path(__file__).resolve().parents[1])
    target = tmp_path / "model.npz"
    killed_mid_write = 0
    for kill in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", _SAVE_FOREVER, repo, str(target)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout.readline().strip() == "ready"
            started, deadline = time.time_ns(), time.monotonic() + 60
            while not _written_since(tmp_path, started):  # wait until this process is mid-write
                assert time.monotonic() < deadline, "the saving process never started writing"
                time.sleep(0.001)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        leftovers = sorted(n for n in os.listdir(tmp_path) if n != "model.npz")
        # one file at most, always the same name (none if the kill fell between two saves)
        assert leftovers in ([], [".model.npz.tmp.npz"]), f"after kill {kill + 1}: {leftovers}"
        killed_mid_write += bool(leftovers)
    assert killed_mid_write  # at least one kill left a half-written file for the next save to replace
    nn.save({"w": np.arange(3.0)}, target)
    assert os.listdir(tmp_path) == ["model.npz"]  # the leftover was written over and moved into place
    np.testing.assert_array_equal(nn.load(target)["w"].numpy(), [0.0, 1.0, 2.0])


def test_save_errors_name_the_learners_path_not_the_temporary_file(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    cases = [
        (tmp_path / "missing" / "m.npz", FileNotFoundError, r"folder .*missing.* does not exist; create it first"),
        (tmp_path / "afile" / "m.npz", NotADirectoryError, r"afile.* is a file, not a folder"),
        (tmp_path, IsADirectoryError, r"is a folder; give a file name inside it"),
    ]
    for path, kind, pattern in cases:
        with pytest.raises(kind, match=pattern) as caught:
            nn.save(_mlp(), path)
        message = str(caught.value)
        assert message.startswith("save: ") and repr(str(path)) in message and ".tmp" not in message
    assert sorted(os.listdir(tmp_path)) == ["afile"]  # no temporary file left anywhere


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write to read-only folders")
def test_save_into_a_read_only_folder_says_so(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match=r"save: cannot write .*locked.*permission denied") as caught:
            nn.save(_mlp(), folder / "m.npz")
        assert ".tmp" not in str(caught.value)
    finally:
        folder.chmod(0o755)
    assert os.listdir(folder) == []


def test_a_permission_error_while_replacing_names_the_path_and_cleans_up(tmp_path, monkeypatch):
    """The read-only case as root sees it: the write is refused at the last step (os.replace)."""

    def refuse(source, target):
        raise PermissionError(13, "Permission denied", source)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError, match="permission denied") as caught:
        nn.save(_mlp(), tmp_path / "m.npz")
    assert repr(str(tmp_path / "m.npz")) in str(caught.value) and ".tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []
