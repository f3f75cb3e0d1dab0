/* The stepper: one picture per level, laid out once by dot; every step recolours it.
   tgStepper(root, data) works only inside `root`, so several steppers share a document. */
function tgStepper(root, data) {
  var MIN_LABEL_PX = 11.05; // default and "fit" zoom never make a label smaller than this (11 CSS px, and a margin)
  var find = function (sel) { return root.querySelector(sel); };
  var picture = find('.tg-picture'), formula = find('.tg-formula'), nodePanel = find('.tg-node');
  var slider = find('.tg-slider'), counter = find('.tg-counter');
  var prev = find('.tg-prev'), next = find('.tg-next');
  var levelDivs = root.querySelectorAll('.tg-level');
  var state = { level: data.start, k: 0, scale: 1, minScale: {}, selected: null, dragged: false };

  function level() { return data.levels[state.level]; }
  function svg() { var d = levelDivs[state.level]; return d ? d.querySelector('svg') : null; }

  // ---------------------------------------------------------------- steps
  function show(k) {
    var L = level(), n = L.steps.length;
    state.k = Math.max(0, Math.min(n, k));
    var done = {}, rows = {}, i, key;
    L.init.done.forEach(function (key) { done[key] = true; });
    for (key in L.init.set) rows[key] = L.init.set[key];
    for (i = 0; i < state.k; i++) {
      L.steps[i].done.forEach(function (key) { done[key] = true; });
      for (key in L.steps[i].set) rows[key] = L.steps[i].set[key];
    }
    var current = state.k > 0 ? L.steps[state.k - 1].cur : [];
    var s = svg();
    if (s) {
      if (!L.willSet) { // the keys some step will mark done: before that step they are greyed
        L.willSet = {};
        L.will.forEach(function (key) { L.willSet[key] = true; });
      }
      var pending = function (key) { return !!L.willSet[key] && !done[key]; };
      s.querySelectorAll('g.node[data-key]').forEach(function (g) {
        key = g.getAttribute('data-key');
        g.classList.toggle('tg-pending', pending(key));
        g.classList.toggle('tg-current', current.indexOf(key) >= 0);
        var lines = rows[key];
        if (lines) {
          g.querySelectorAll('text.' + data.row).forEach(function (t, j) { t.textContent = lines[j] || ''; });
        }
      });
      s.querySelectorAll('g.edge').forEach(function (g) {
        g.classList.toggle('tg-pending', pending(g.getAttribute('data-tail')) || pending(g.getAttribute('data-head')));
      });
    }
    // bring this step's op into view; before the first step, the opened layer (if any) and where the pass starts
    reveal(current.length ? current : (L.open || []).concat(L.init.done.slice(0, 1)));
    formula.innerHTML = state.k === 0 ? data.before : data.panels[L.steps[state.k - 1].p];
    formula.setAttribute('data-step', state.k);
    slider.max = n;
    slider.value = state.k;
    counter.textContent = 'step ' + state.k + ' of ' + n;
    prev.disabled = state.k === 0;
    next.disabled = state.k === n;
  }
  // scroll the picture (only the picture) so that the nodes `keys` are in view: all of them where they
  // fit, else the first ones that fit together; nothing moves while they are visible already
  function reveal(keys) {
    var s = svg();
    if (!s) return;
    var box = picture.getBoundingClientRect(), u = null;
    var w = picture.clientWidth - 8, h = picture.clientHeight - 8;
    for (var i = 0; i < keys.length; i++) {
      var g = s.querySelector('g.node[data-key="' + keys[i] + '"]');
      if (!g) continue;
      var r = g.getBoundingClientRect();
      var v = u ? { left: Math.min(u.left, r.left), right: Math.max(u.right, r.right),
        top: Math.min(u.top, r.top), bottom: Math.max(u.bottom, r.bottom) } : r;
      if (u && (v.right - v.left > w || v.bottom - v.top > h)) break;
      u = v;
    }
    if (!u) return;
    var left = box.left + picture.clientLeft, top = box.top + picture.clientTop;
    if (u.left < left || u.right > left + picture.clientWidth) {
      picture.scrollLeft += (u.left + u.right) / 2 - (left + picture.clientWidth / 2);
    }
    if (u.top < top || u.bottom > top + picture.clientHeight) {
      picture.scrollTop += (u.top + u.bottom) / 2 - (top + picture.clientHeight / 2);
    }
  }

  // ---------------------------------------------------------------- levels
  function goLevel(i) {
    if (i < 0 || i >= data.levels.length) return;
    var from = level(), upto = state.k > 0 ? from.steps[state.k - 1].upto : 0;
    state.level = i;
    levelDivs.forEach(function (d, j) { d.hidden = j !== i; });
    var steps = level().steps, k = 0;
    while (k < steps.length && steps[k].upto <= upto) k++;
    clearSelection();
    crumbs();
    fit();
    show(k);
  }
  function crumbs() {
    var nav = find('.tg-levels');
    if (!nav) return;
    nav.querySelectorAll('button[data-go]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(+b.getAttribute('data-go') === state.level));
    });
    var opened = find('.tg-crumb');
    var L = level();
    opened.textContent = L.layer ? '\u203a layer ' + L.title + ' opened (click another layer to open it)' : '';
  }

  // ---------------------------------------------------------------- zoom and pan
  function setScale(s, cx, cy) {
    var L = level(), el = svg();
    if (!el) return;
    var old = state.scale;
    state.scale = Math.max(0.1, Math.min(4, s));
    el.style.width = (L.w * state.scale) + 'px';
    el.style.height = (L.h * state.scale) + 'px';
    if (cx !== undefined) { // keep the point under the pointer where it is
      var f = state.scale / old;
      picture.scrollLeft = (picture.scrollLeft + cx) * f - cx;
      picture.scrollTop = (picture.scrollTop + cy) * f - cy;
    }
  }
  function smallestLabel() {
    var smallest = Infinity, texts = svg().querySelectorAll('text');
    for (var j = 0; j < texts.length && j < 400; j++) {
      var h = texts[j].getBoundingClientRect().height;
      if (h > 0 && h < smallest) smallest = h;
    }
    return smallest;
  }
  function minScale() {
    var i = state.level;
    if (state.minScale[i] === undefined) {
      setScale(1);
      var smallest = smallestLabel(), scale = isFinite(smallest) ? MIN_LABEL_PX / smallest : 1;
      // text sizes snap to steps as the picture scales: measure again until the smallest label is readable
      for (var tries = 0; tries < 4 && isFinite(smallest); tries++) {
        setScale(scale);
        smallest = smallestLabel();
        if (smallest >= MIN_LABEL_PX) break;
        scale *= 1.01 * MIN_LABEL_PX / smallest;
      }
      state.minScale[i] = scale;
    }
    return state.minScale[i];
  }
  // the picture gets the width its graph needs at a readable size, up to all but 18em left for the
  // text beside it; on a narrow window (or at 200 % zoom) the text column wraps below the picture
  function layout() {
    var main = find('.tg-main');
    if (!svg() || !main) return;
    var em = parseFloat(window.getComputedStyle(root).fontSize) || 15;
    // the text column's 18em, the gap between them, and room for a page scrollbar appearing later
    var room = main.clientWidth - 18.8 * em - 20;
    var need = level().w * minScale() + 20; // the picture at the readable zoom, its padding and border
    picture.style.flexBasis = room >= 30 * em ? Math.min(need, room) + 'px' : '100%';
  }
  function fit() {
    if (!svg()) return;
    layout();
    var width = picture.clientWidth - 10;
    setScale(Math.max(minScale(), Math.min(width / level().w, 1.5)));
  }

  // ---------------------------------------------------------------- selection: paths to the loss, the node panel
  function clearSelection() {
    state.selected = null;
    root.querySelectorAll('.tg-onpath, .tg-selected').forEach(function (g) {
      g.classList.remove('tg-onpath');
      g.classList.remove('tg-selected');
    });
    if (nodePanel) nodePanel.hidden = true;
  }
  // every path from `key` to the loss: the nodes reachable from it along the arrows
  function highlightPaths(key) {
    var s = svg();
    if (!s) return;
    var out = {}, edges = s.querySelectorAll('g.edge');
    edges.forEach(function (g) {
      var t = g.getAttribute('data-tail');
      (out[t] = out[t] || []).push(g.getAttribute('data-head'));
    });
    var reach = {}, stack = [key];
    reach[key] = true;
    while (stack.length) {
      (out[stack.pop()] || []).forEach(function (h) { if (!reach[h]) { reach[h] = true; stack.push(h); } });
    }
    s.querySelectorAll('g.node[data-key]').forEach(function (g) {
      var k = g.getAttribute('data-key');
      g.classList.toggle('tg-onpath', !!reach[k]);
      g.classList.toggle('tg-selected', k === key);
    });
    edges.forEach(function (g) {
      g.classList.toggle('tg-onpath', !!(reach[g.getAttribute('data-tail')] && reach[g.getAttribute('data-head')]));
    });
  }
  function select(key) {
    clearSelection();
    state.selected = key;
    highlightPaths(key);
    var info = data.tensors[key];
    if (info && nodePanel) {
      nodePanel.innerHTML = tensorPanel(info);
      nodePanel.hidden = false;
      drawMaps(nodePanel);
      nodePanel.querySelector('.tg-close').addEventListener('click', clearSelection);
    }
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function tensorPanel(t) {
    var rows = [['value', t.value], [data.gradName(t), t.grad]];
    var h = '<h3>' + esc(t.name) + ' <button type="button" class="tg-close" title="close">\u2715</button></h3>';
    h += '<div>' + esc(t.role) + ', shape ' + esc(t.shape) + ', ' + esc(t.dtype) + '</div>';
    h += '<table><tr><th></th><th>min</th><th>mean</th><th>max</th><th>norm</th></tr>';
    rows.forEach(function (r) {
      if (!r[1]) return;
      h += '<tr><th>' + esc(r[0]) + '</th><td>' + esc(r[1].min) + '</td><td>' + esc(r[1].mean) + '</td><td>' +
        esc(r[1].max) + '</td><td>' + esc(r[1].norm) + '</td></tr>';
    });
    h += '</table>';
    [['value', t.values], [data.gradName(t), t.grads]].forEach(function (r) { // the box shows a summary: here every number
      if (r[1]) h += '<div class="tg-hint">every number of ' + esc(r[0]) + ':</div><pre class="tg-values">' + esc(r[1]) + '</pre>';
    });
    if (!t.grad && data.kind === 'backward') h += '<div class="tg-hint">No gradient: nothing asked for one.</div>';
    [['value', t.vmap], [data.gradName(t), t.gmap]].forEach(function (r) {
      var m = r[1];
      if (!m) return;
      h += '<div class="tg-hint">' + esc(r[0]) + ' as a heat map (blue < 0 < red, |max| = ' + esc(m.scale) + ')' +
        (m.note ? '; ' + esc(m.note) : '') + '</div><div class="tg-maps">';
      m.maps.forEach(function (map) {
        h += '<canvas width="' + map.w + '" height="' + map.h + '" data-b="' + map.b + '" title="' + esc(map.label) + '"></canvas>';
      });
      h += '</div>';
    });
    return h;
  }
  // each byte: 0 = -|max| (blue), 127.5 = 0 (white), 255 = +|max| (red)
  function drawMaps(panel) {
    panel.querySelectorAll('canvas[data-b]').forEach(function (c) {
      var bytes = atob(c.getAttribute('data-b')), w = c.width, h = c.height;
      var cell = Math.max(2, Math.min(24, Math.floor(192 / Math.max(w, h)))), minSide = Math.max(8, cell);
      c.style.width = (w * cell) + 'px';
      c.style.height = Math.max(h * cell, h === 1 ? minSide : 0) + 'px';
      var ctx = c.getContext('2d'), img = ctx.createImageData(w, h);
      for (var i = 0; i < w * h; i++) {
        var v = (bytes.charCodeAt(i) - 127.5) / 127.5, t = Math.abs(v);
        var end = v < 0 ? [33, 102, 172] : [178, 24, 43];
        img.data[4 * i] = Math.round(255 + (end[0] - 255) * t);
        img.data[4 * i + 1] = Math.round(255 + (end[1] - 255) * t);
        img.data[4 * i + 2] = Math.round(255 + (end[2] - 255) * t);
        img.data[4 * i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    });
  }

  // ---------------------------------------------------------------- wiring
  data.gradName = function (t) { return data.kind === 'backward' ? 'd' + data.loss + '/d' + t.name : 'gradient'; };
  prev.addEventListener('click', function () { show(state.k - 1); });
  next.addEventListener('click', function () { show(state.k + 1); });
  slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
  root.querySelectorAll('button[data-go]').forEach(function (b) {
    b.addEventListener('click', function () { goLevel(+b.getAttribute('data-go')); });
  });
  root.querySelectorAll('button[data-tensor]').forEach(function (b) {
    b.addEventListener('click', function () { select(b.getAttribute('data-tensor')); });
  });
  var zoom = function (f) { setScale(state.scale * f, picture.clientWidth / 2, picture.clientHeight / 2); };
  root.querySelectorAll('button[data-zoom]').forEach(function (b) {
    b.addEventListener('click', function () {
      var how = b.getAttribute('data-zoom');
      if (how === 'fit') fit(); else zoom(how === 'in' ? 1.25 : 0.8);
    });
  });
  function onKey(e) {
    if (e.target && /INPUT|TEXTAREA|SELECT/.test(e.target.tagName) && e.target !== slider) return;
    if (e.key === 'ArrowRight') { show(state.k + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { show(state.k - 1); e.preventDefault(); }
  }
  root.addEventListener('keydown', function (e) { onKey(e); e.stopPropagation(); });
  if (root.hasAttribute('data-standalone')) document.addEventListener('keydown', onKey);

  picture.addEventListener('wheel', function (e) { // Ctrl (or Cmd) + wheel zooms; the plain wheel scrolls
    if (!(e.ctrlKey || e.metaKey) || !svg()) return;
    e.preventDefault();
    var box = picture.getBoundingClientRect();
    setScale(state.scale * (e.deltaY < 0 ? 1.15 : 1 / 1.15), e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  var drag = null;
  picture.addEventListener('pointerdown', function (e) {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, left: picture.scrollLeft, top: picture.scrollTop };
    state.dragged = false;
  });
  picture.addEventListener('pointermove', function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!state.dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
    state.dragged = true;
    picture.classList.add('tg-dragging');
    picture.scrollLeft = drag.left - dx;
    picture.scrollTop = drag.top - dy;
  });
  var endDrag = function () { drag = null; picture.classList.remove('tg-dragging'); };
  picture.addEventListener('pointerup', endDrag);
  picture.addEventListener('pointerleave', endDrag);
  picture.addEventListener('click', function (e) {
    if (state.dragged) { state.dragged = false; return; }
    if (e.target.closest && e.target.closest('button')) return; // the tensor buttons of the text stepper
    var g = e.target.closest ? e.target.closest('g.node[data-key]') : null;
    if (!g) { clearSelection(); return; }
    var key = g.getAttribute('data-key'), to = level().boxes[key];
    if (to !== undefined) goLevel(to); else select(key);
  });

  // hovering a tensor names it and its numbers in the tooltip; clicking opens them all
  root.querySelectorAll('g.node[data-key]').forEach(function (g) {
    var t = data.tensors[g.getAttribute('data-key')], a = g.querySelector('a');
    if (!t || !a) return;
    var tip = t.name + ': ' + t.role + ', ' + t.shape + ' ' + t.dtype + ', value ' + t.value.min + ' .. ' + t.value.max;
    a.setAttributeNS('http://www.w3.org/1999/xlink', 'title', tip + ' (click for its numbers)');
  });
  window.addEventListener('resize', layout);
  levelDivs.forEach(function (d, j) { d.hidden = j !== state.level; });
  crumbs();
  fit();
  show(0);
  root.tgStepper = { show: show, goLevel: goLevel, select: select, state: state, fit: fit };
}
