// The O2C dashboard: reads the report API with the API key kept in this tab's session storage,
// draws the charts (Chart.js, vendored) and refreshes on its own. No inline script (the page's
// Content-Security-Policy allows none); amounts are shown as the API gives them, added exactly.
'use strict';

(function () {
  const KEY = 'o2c.apiKey';
  const params = new URLSearchParams(location.search);
  const refreshSeconds = Math.max(5, Number(params.get('refresh')) || 15);
  const $ = (id) => document.getElementById(id);
  const charts = {};
  let timer = null;
  let currency = null;

  // --- exact decimals (amounts are strings such as "1234.50") -------------------------------
  function dec(text) {
    const s = String(text);
    const negative = s.startsWith('-');
    const [whole, frac = ''] = (negative ? s.slice(1) : s).split('.');
    const n = BigInt(whole + frac) * (negative ? -1n : 1n);
    return { n, scale: frac.length };
  }
  function add(a, b) {
    const scale = Math.max(a.scale, b.scale);
    return { n: a.n * 10n ** BigInt(scale - a.scale) + b.n * 10n ** BigInt(scale - b.scale), scale };
  }
  function text(d) {
    const negative = d.n < 0n;
    let digits = (negative ? -d.n : d.n).toString().padStart(d.scale + 1, '0');
    const out = d.scale === 0 ? digits : digits.slice(0, digits.length - d.scale) + '.' + digits.slice(digits.length - d.scale);
    return (negative ? '-' : '') + out;
  }
  /** "0.9512" -> "95.12 %" (exact). */
  function percent(rate) {
    if (rate === null || rate === undefined) return '—';
    const d = dec(rate);
    return text({ n: d.n, scale: Math.max(0, d.scale - 2) }) + ' %';
  }

  // --- the API --------------------------------------------------------------------------------
  class Unauthorized extends Error {}
  async function api(path) {
    const response = await fetch('/v1' + path, { headers: { 'X-API-Key': sessionStorage.getItem(KEY) || '', Accept: 'application/json' } });
    if (response.status === 401) throw new Unauthorized('The API key was not accepted.');
    const body = await response.json();
    if (!response.ok) throw new Error((body && body.detail) || ('HTTP ' + response.status));
    return body;
  }
  const forCurrency = (report) => (report.currencies || []).find((c) => c.currency === currency);

  // --- sign in / out --------------------------------------------------------------------------
  function showLogin(message) {
    stop();
    $('board').hidden = true;
    $('controls').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
  }
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    start();
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    showLogin('Signed out.');
  });
  $('refresh').addEventListener('click', () => load());
  $('currency').addEventListener('change', () => {
    currency = $('currency').value;
    load();
  });

  function start() {
    $('login').hidden = true;
    $('board').hidden = false;
    $('controls').hidden = false;
    load();
  }
  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  // --- charts ---------------------------------------------------------------------------------
  const palette = ['#1f6feb', '#f59e0b', '#ef4444', '#8b5cf6', '#10b981', '#64748b', '#ec4899', '#14b8a6'];
  function draw(id, type, labels, datasets, options) {
    const config = {
      type,
      data: { labels, datasets: datasets.map((d, i) => Object.assign({ backgroundColor: palette[i % palette.length],
        borderColor: palette[i % palette.length] }, d)) },
      options: Object.assign({ animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } }, options || {}),
    };
    if (charts[id]) {
      charts[id].data = config.data;
      charts[id].update('none');
    } else {
      charts[id] = new Chart($(id), config);
    }
  }
  const stacked = { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } };
  const hours = (ms) => (ms === null || ms === undefined ? null : ms / 3600000);

  // --- one refresh ----------------------------------------------------------------------------
  async function load() {
    stop();
    try {
      const aging = await api('/reports/ar-aging');
      const known = (aging.currencies || []).map((c) => c.currency);
      if (!currency || !known.includes(currency)) currency = known[0] || 'EUR';
      $('currency').replaceChildren(...(known.length ? known : [currency]).map((c) => new Option(c, c, false, c === currency)));
      const q = 'currency=' + encodeURIComponent(currency);
      const [dso, cash, sales, cycle, automation, held, lag] = await Promise.all([
        api('/reports/dso?' + q), api('/reports/cash-flow?' + q), api('/reports/sales?by=day&group=channel&' + q),
        api('/reports/cycle-time?compareTo=previous&' + q), api('/reports/automation?' + q),
        api('/orders?status=ON_HOLD&limit=500'), api('/reports/lag')]);
      render(aging, dso, cash, sales, cycle, automation, held, lag);
      $('error').textContent = '';
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
      $('board').dataset.state = 'ready';
      $('board').dataset.loads = String(Number($('board').dataset.loads || 0) + 1);
    } catch (e) {
      if (e instanceof Unauthorized) {
        sessionStorage.removeItem(KEY);
        showLogin(e.message);
        return;
      }
      $('error').textContent = 'Could not load the reports: ' + e.message;
      $('board').dataset.state = 'error';
    }
    timer = setTimeout(load, refreshSeconds * 1000);
  }

  function render(aging, dso, cash, sales, cycle, automation, held, lag) {
    const a = forCurrency(aging);
    const zero = { n: 0n, scale: 0 };
    const tile = (name, value) => { document.querySelector('[data-testid="' + name + '"]').textContent = value; };
    if (a) {
      const pastDue = a.total.buckets.slice(1).map(dec).reduce(add, zero);
      tile('open-receivables', a.total.total + ' ' + currency);
      tile('past-due', text(pastDue) + ' ' + currency);
      tile('unapplied', a.total.unapplied + ' ' + currency);
    } else {
      ['open-receivables', 'past-due', 'unapplied'].forEach((t) => tile(t, '0 ' + currency));
    }
    const d = forCurrency(dso);
    tile('dso', d && d.dso !== null && d.dso !== undefined ? d.dso + ' days' : '—');
    tile('straight-through', percent(automation.period.straightThroughRate));
    const autoCash = (automation.period.cash || []).find((c) => c.currency === currency);
    tile('auto-match', percent(autoCash ? autoCash.rate : null));
    const heldHere = held.orders.filter((o) => o.currency === currency);
    tile('held-orders', String(heldHere.length) + (held.nextPageToken ? '+' : ''));
    const worst = (lag.projections || []).reduce((m, p) => Math.max(m, p.p99Millis), 0);
    tile('lag', worst + ' ms');

    // AR aging: the largest 10 customers, stacked by bucket.
    const customers = a ? a.customers.slice(0, 10) : [];
    draw('aging', 'bar', customers.map((c) => c.customerId),
      aging.buckets.map((name, i) => ({ label: name, data: customers.map((c) => Number(c.buckets[i])) })), stacked);

    // Cash received and expected by day.
    const flow = forCurrency(cash);
    const days = flow ? flow.days : [];
    draw('cash', 'bar', days.map((x) => x.day), [
      { label: 'received', data: days.map((x) => Number(x.received)) },
      { label: 'expected', data: days.map((x) => Number(x.expected)) }], { scales: { y: { beginAtZero: true } } });

    // Sales by day and channel.
    const s = forCurrency(sales);
    const rows = s ? s.rows : [];
    const periods = [...new Set(rows.map((r) => r.period))].sort();
    const channels = [...new Set(rows.map((r) => r.group))].sort();
    draw('sales', 'bar', periods, channels.map((ch) => ({ label: ch || '(none)',
      data: periods.map((p) => { const r = rows.find((x) => x.period === p && x.group === ch); return r ? Number(r.gross) : 0; }) })), stacked);

    // Cycle time percentiles, this period and the one before (hours).
    const stages = cycle.period.stages.map((x) => x.stage);
    const before = (name) => (cycle.previous ? cycle.previous.stages.find((x) => x.stage === name) : null) || {};
    draw('cycle', 'bar', stages, [
      { label: 'p50 now', data: cycle.period.stages.map((x) => hours(x.p50Millis)) },
      { label: 'p90 now', data: cycle.period.stages.map((x) => hours(x.p90Millis)) },
      { label: 'p50 before', data: stages.map((n) => hours(before(n).p50Millis)) },
      { label: 'p90 before', data: stages.map((n) => hours(before(n).p90Millis)) }], { scales: { y: { beginAtZero: true } } });

    // Straight-through and auto-match, this period and the one before (%).
    const rateOf = (p) => [p.straightThroughRate, ((p.cash || []).find((c) => c.currency === currency) || {}).rate]
      .map((r) => (r === null || r === undefined ? null : Number(r) * 100));
    draw('automation', 'bar', ['straight-through', 'auto-match'], [
      { label: 'this period', data: rateOf(automation.period) },
      { label: 'period before', data: rateOf(automation.previous) }], { scales: { y: { beginAtZero: true, max: 100 } } });

    // Held orders by reason.
    const reasons = {};
    heldHere.forEach((o) => (o.holdReasons.length ? o.holdReasons : ['(none)']).forEach((r) => { reasons[r] = (reasons[r] || 0) + 1; }));
    const names = Object.keys(reasons).sort();
    draw('holds', 'bar', names, [{ label: 'orders on hold', data: names.map((n) => reasons[n]) }],
      { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });

    // Report lag per projection instance.
    const instances = (lag.projections || []).slice().sort((x, y) => (x.projection + x.instance).localeCompare(y.projection + y.instance));
    draw('lags', 'bar', instances.map((p) => p.projection.replace('reports-', '') + ' ' + p.instance), [
      { label: 'last', data: instances.map((p) => p.lagMillis) },
      { label: 'p99 (1 min)', data: instances.map((p) => p.p99Millis) }], { scales: { y: { beginAtZero: true } } });
  }

  if (sessionStorage.getItem(KEY)) start(); else showLogin('');
})();
