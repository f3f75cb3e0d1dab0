"""Lessons 26-31: language models and recurrent networks (worked examples R1-R6).

Each lesson runs on its own in fast mode and leaves the files it promises; each
worked example's numbers are asserted through the lessons' own functions. The
full-length R3-R5 training runs (the bars of the worked examples) are ``slow``.
The R6 page is checked in headless Chromium: one cluster per time step, and the
two-path sum written for every t.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from lessons import lesson

import autograd as ag

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
sys.path.insert(0, str(TUTORIALS))  # charlm.py, the model of lessons 29 and 30

PROMISED = {
    "26_chain_rule_of_probabilities": ["factors.txt", "factors.png"],
    "27_count_bigram": ["bigram_counts.png"],
    "28_bigram_network": ["learned_vs_counted.png"],
    "29_rnn_names": ["samples.txt", "held_out_loss.txt", "training_curve.png"],
    "30_gru_lstm_names": ["training_curves.png"],
    "31_bptt_step_by_step": ["bptt.html", "backprop/index.html", "unrolled.svg", "truncated.svg"],
}


def run_lesson(name, out, fast=True, timeout=600):
    env = dict(os.environ, TEACHGRAD_OUT=str(out), MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    env.pop("TEACHGRAD_FAST", None)
    command = [sys.executable, str(TUTORIALS / f"{name}.py")] + (["--fast"] if fast else [])
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("name", sorted(PROMISED))
def test_lesson_runs_fast_and_writes_its_files(name, tmp_path):
    result = run_lesson(name, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    folder = tmp_path / name
    needs_dot = {"backprop/index.html", "unrolled.svg", "truncated.svg"}  # skipped, with a line, without dot
    for file in PROMISED[name]:
        if file in needs_dot and shutil.which("dot") is None:
            assert "skipped" in result.stdout
            continue
        assert (folder / file).is_file() and (folder / file).stat().st_size > 0, f"{name} did not write {file}"
    assert "BAD" not in result.stdout and str(folder) in result.stdout


# ---------------------------------------------------------------- R1: the chain rule of probabilities


def test_r1_factors_multiply_to_the_one_pass_probability():
    r1 = lesson("26_chain_rule_of_probabilities")
    model, vocab, _ = r1.train_word_model(steps=150)
    factors = r1.factors(model, vocab)
    assert len(factors) == 4 and all(0 < p < 1 for p in factors)
    np.testing.assert_allclose(np.prod(factors), np.exp(r1.one_pass_log_probability(model, vocab)), rtol=1e-12)
    shares = [r1.corpus_frequency(r1.SENTENCE[:t], w) for t, w in enumerate(r1.SENTENCE)]
    assert shares == [9 / 18, 5 / 9, 3 / 5, 1 / 3]  # counted from the lesson's corpus
    np.testing.assert_allclose(factors, shares, atol=0.05)  # the network learned the corpus
    scrambled = r1.one_pass_log_probability(model, vocab, ["going", "we", "are", "where"])
    assert scrambled < r1.one_pass_log_probability(model, vocab) - 10


# ---------------------------------------------------------------- R2: the count bigram


def test_r2_count_bigram_nll_exactly():
    r2 = lesson("27_count_bigram")
    firsts, nexts, vocab = r2.bigrams()
    assert len(firsts.numpy()) == 228146 and len(vocab) == 27
    counts = r2.count_table(firsts, nexts, len(vocab))
    independent = np.zeros((27, 27))
    np.add.at(independent, (firsts.numpy(), nexts.numpy()), 1)  # counting a second way
    np.testing.assert_array_equal(counts.numpy(), independent)
    assert round(r2.mean_nll(counts, firsts, nexts, 0).item(), 4) == 2.4540
    assert round(r2.mean_nll(counts, firsts, nexts, 1).item(), 4) == 2.4546


# ---------------------------------------------------------------- R3: the bigram as a network


def _r3_check(steps, tolerance):
    r3 = lesson("28_bigram_network")
    layer, losses, X, y, vocab = r3.train_bigram_network(steps=steps)
    assert losses[-1] < losses[0]
    assert abs(losses[-1] - 2.4540) <= tolerance
    p_count, p_net = r3.count_table(X, y, len(vocab)), r3.learned_table(layer)
    np.testing.assert_allclose(p_net.sum(axis=1), 1.0, rtol=1e-5)
    # rows of frequent characters are learned first: '.', 'a', 'e', 'n' within 0.05 of the counts
    for ch in ".aen":
        row = vocab.stoi[ch]
        assert np.abs(p_count[row] - p_net[row]).max() < 0.05, ch


def test_r3_bigram_network_short_run():
    _r3_check(steps=100, tolerance=0.03)


@pytest.mark.slow
def test_r3_bigram_network_within_001_of_the_counts():
    _r3_check(steps=300, tolerance=0.01)


# ---------------------------------------------------------------- R4, R5: RNN, GRU, LSTM on the names


def _held_out(kind, steps):
    import charlm

    train_names, held_out, vocab = charlm.split_names()
    model, curve = charlm.train(kind, steps, train_names, vocab)
    assert curve[-1][1] < curve[0][1]
    return charlm.held_out_loss(model, held_out, vocab)


def test_r4_rnn_short_run_beats_the_bigram():
    assert _held_out("RNN", 300) <= 2.40


@pytest.mark.slow
def test_r4_rnn_full_run_held_out_at_most_215():
    assert _held_out("RNN", 5000) <= 2.15


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
def test_r5_gated_full_run_held_out_at_most_210(kind):
    assert _held_out(kind, 5000) <= 2.10


def test_held_out_loss_counts_every_real_character():
    import charlm

    _, held_out, vocab = charlm.split_names()
    names = held_out[:50]

    import nn

    class Constant(nn.Module):
        def forward(self, x):  # equal scores: every character has probability 1/27
            return ag.zeros((*x.shape, len(vocab)))

    loss = charlm.held_out_loss(Constant(), names, vocab, batch_size=7)
    assert loss == pytest.approx(np.log(27), rel=1e-6)


# ---------------------------------------------------------------- R6: backpropagation through time


def _r6():
    r6 = lesson("31_bptt_step_by_step")
    w = r6.make_weights()
    L, losses, hs = r6.unroll(w)
    L.backward(retain_graph=True)
    return r6, w, r6.two_paths(losses, hs), hs


def test_r6_two_paths_add_up_to_the_engines_gradient():
    r6, w, rows, hs = _r6()
    assert r6.T >= 4 and len(rows) == r6.T
    for t, (through_output, through_next, engine) in enumerate(rows):
        total = through_output + (0 if through_next is None else through_next)
        np.testing.assert_allclose(total, engine, rtol=1e-12, atol=1e-15)
        assert (through_next is None) == (t == r6.T - 1)
        if through_next is not None:
            assert np.abs(through_next).max() > 1e-3  # the second path carries something
    # the unrolled loss's gradients agree with central differences (so the engine's numbers are right)
    names = list(w)
    assert ag.gradcheck(lambda *ps: r6.unroll(dict(zip(names, ps)))[0], [w[n] for n in names])


def test_r6_truncation_cuts_the_path_through_h3():
    r6 = lesson("31_bptt_step_by_step")
    w = r6.make_weights()
    L, losses, hs = r6.unroll(w, cut_after=2)
    L.backward(retain_graph=True)
    rows = r6.two_paths(losses, hs)
    np.testing.assert_array_equal(rows[1][1], 0.0)  # nothing through h_3
    np.testing.assert_array_equal(rows[1][2], rows[1][0])  # dL/dh_2 = the output path alone
    _, _, full_rows, _ = _r6()
    assert not np.allclose(rows[1][2], full_rows[1][2])


def _browser(tmp_path):
    chrome = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
    )
    if chrome is None or driver is None:
        pytest.skip("no chromium/chromedriver binary on this machine")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1024,768"):  # fmt: skip
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}")
    options.binary_location = chrome
    return webdriver.Chrome(service=Service(driver), options=options)


CLUSTER_LABELS = """
return Array.from(arguments[0].querySelectorAll('g.cluster')).map(g => {
  const r = g.getBoundingClientRect();
  const text = Array.from(g.querySelectorAll(':scope > text')).map(t => t.textContent.trim()).join(' ');
  return [text, r.width, r.height];
});
"""


NODE_TEXTS = """
return Array.from(arguments[0].querySelectorAll('g.node')).map(
  g => Array.from(g.querySelectorAll('text')).map(t => t.textContent.trim()));
"""


def _numbers(text):
    return [float(v) for v in re.findall(r"[-+]?\d+\.\d+(?:e[-+]?\d+)?", text.replace("\u2212", "-"))]


@pytest.mark.browser
def test_r6_page_in_headless_chromium(tmp_path):
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    result = run_lesson("31_bptt_step_by_step", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    folder = tmp_path / "31_bptt_step_by_step"
    browser = _browser(tmp_path)
    from selenium.webdriver.common.by import By

    try:
        browser.set_page_load_timeout(30)
        browser.get((folder / "bptt.html").as_uri())
        for prefix in ("full", "cut"):
            graph = browser.find_element(By.ID, f"{prefix}-graph")
            clusters = browser.execute_script(CLUSTER_LABELS, graph)
            steps = sorted(label for label, width, height in clusters if label.startswith("t="))
            assert steps == ["t=1", "t=2", "t=3", "t=4"], clusters  # one cluster per time step
            assert all(w > 20 and h > 20 for label, w, h in clusters if label.startswith("t="))  # drawn, visible
            for t in range(1, 5):
                text = browser.find_element(By.ID, f"{prefix}-sum-t{t}").text
                assert text.startswith(f"dL/dh_{t} = ") and f"(through y_hat_{t})" in text
                assert f"engine h_{t}.grad = " in text
                if t < 4:
                    assert f"(through h_{t + 1}" in text  # the second path, named
                # the picture's h_t box shows the same gradient as the sum's "engine h_t.grad"
                boxes = [n for n in browser.execute_script(NODE_TEXTS, graph) if n and n[0] == f"h_{t}"]
                assert len(boxes) == 1, boxes
                shown = _numbers(next(line for line in boxes[0] if line.startswith("grad")))
                np.testing.assert_allclose(shown, _numbers(text.split("engine h_")[1][2:]), rtol=1e-5)
        cut_line = browser.find_element(By.ID, "cut-sum-t2").text
        assert "cut" in cut_line and "detach" in cut_line
        assert "detached (the cut)" in browser.find_element(By.ID, "cut-graph").text
        # the step-by-step stepper of the same backward pass shows the four time steps too
        browser.get((folder / "backprop" / "index.html").as_uri())
        shown = browser.execute_script(CLUSTER_LABELS, browser.find_element(By.TAG_NAME, "body"))
        assert {label for label, _, _ in shown if label.startswith("t=")} == {"t=1", "t=2", "t=3", "t=4"}
    finally:
        browser.quit()
