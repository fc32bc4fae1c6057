/*
 * The dashboard's one script: draws the /stats document and the node's document (health,
 * audit directory) with Chart.js. Served by the WAR, it reads them from "stats" and
 * "dashboard/node" every 10 s; written by the audit tool (summary --html), it reads them
 * from the page itself. It computes no figure: every number shown is one of the documents'.
 * Each figure shown carries data-figure, the path of its value in the documents.
 */
(function () {
  'use strict';

  var REFRESH_MS = 10000;
  // OpenIM's names for the codes (protocol/constant)
  var CONTENT_TYPES = {
    101: 'text', 102: 'picture', 103: 'voice', 104: 'video', 105: 'file', 106: '@ text', 107: 'merged',
    108: 'card', 109: 'location', 110: 'custom', 111: 'revoke', 113: 'typing', 114: 'quote', 115: 'face',
    117: 'advanced text', 119: 'custom, no conversation', 120: 'custom, online only',
    121: 'reaction modifier', 122: 'reaction deleter'
  };
  var PLATFORMS = {
    1: 'iOS', 2: 'Android', 3: 'Windows', 4: 'macOS', 5: 'Web', 6: 'MiniWeb', 7: 'Linux', 8: 'Android Pad',
    9: 'iPad', 10: 'Admin'
  };
  var REFUSALS = {
    400: 'invalid callback', 403: 'source not allowed', 404: 'unknown command', 405: 'method not allowed',
    408: 'body too slow', 413: 'body too large', 415: 'content type'
  };
  var DISTINCT = [
    ['senders', 'Senders'], ['receivers', 'Receivers'], ['users', 'Users'], ['groups', 'Groups'],
    ['conversations', 'Conversations']
  ];
  // colours, and for each series a fill pattern or line dash as well: readable without colour
  var COLOURS = ['#1f5fa8', '#c2571a', '#2e7d32', '#6a3d9a', '#8c6d1f', '#b0283f', '#00838f', '#5d4037'];
  var PATTERNS = ['solid', 'stripes', 'dots', 'cross', 'vertical', 'horizontal', 'backslash', 'grid'];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [14, 6], [4, 4]];
  var POINTS = ['circle', 'triangle', 'rect', 'rectRot', 'crossRot', 'star'];

  var charts = {};
  var renders = 0;
  var number = new Intl.NumberFormat('en-US');

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /** An element showing the figure at path (segments joined by "/") of the documents. */
  function figure(tag, className, path, value) {
    var e = el(tag, className, number.format(value));
    e.setAttribute('data-figure', path);
    return e;
  }

  function get(object, keys) {
    for (var i = 0; i < keys.length; i++) {
      if (object === undefined || object === null) { return undefined; }
      object = object[keys[i]];
    }
    return object;
  }

  // ---- days, in the time zone that cuts them ----

  function offsetMinutes(zone) {
    if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'UT') { return 0; }
    var m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::(\d{2}))?$/.exec(zone);
    if (!m) { return null; }
    return (m[1] === '-' ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3] || '0', 10));
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /** "YYYY-MM-DD HH:MM:SS" of an instant in the zone. */
  function zoned(iso, zone) {
    var ms = Date.parse(iso);
    var offset = offsetMinutes(zone);
    if (offset === null) {
      try {
        var parts = {};
        new Intl.DateTimeFormat('en-CA', {
          timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
          second: '2-digit', hourCycle: 'h23'
        }).formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
        return parts.year + '-' + parts.month + '-' + parts.day + ' ' + parts.hour + ':' + parts.minute + ':' + parts.second;
      } catch (e) {
        offset = 0; // a zone this browser does not know: UTC, which the label then says
      }
    }
    var d = new Date(ms + offset * 60000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
      + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
  }

  /** The days the document keeps, oldest first: its "days" days up to the day it was taken. */
  function daysShown(stats) {
    var today = zoned(stats.generatedAt, stats.timeZone).substring(0, 10).split('-');
    var end = Date.UTC(+today[0], +today[1] - 1, +today[2]);
    var days = [];
    for (var i = stats.days - 1; i >= 0; i--) {
      days.push(new Date(end - i * 86400000).toISOString().substring(0, 10));
    }
    return days;
  }

  // ---- patterns and datasets ----

  function pattern(kind, colour) {
    if (kind === 'solid') { return colour; }
    var c = document.createElement('canvas');
    c.width = 8;
    c.height = 8;
    var g = c.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    if (kind === 'stripes' || kind === 'cross') { g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); }
    if (kind === 'backslash' || kind === 'cross') { g.moveTo(0, 0); g.lineTo(8, 8); g.moveTo(6, -2); g.lineTo(10, 2); g.moveTo(-2, 6); g.lineTo(2, 10); }
    if (kind === 'vertical' || kind === 'grid') { g.moveTo(4, 0); g.lineTo(4, 8); }
    if (kind === 'horizontal' || kind === 'grid') { g.moveTo(0, 4); g.lineTo(8, 4); }
    g.stroke();
    if (kind === 'dots') { g.fillRect(1, 1, 3, 3); g.fillRect(5, 5, 3, 3); }
    return g.createPattern(c, 'repeat');
  }

  function bars(label, data, i, stack) {
    return {
      label: label, data: data, stack: stack, borderWidth: 1.5,
      borderColor: COLOURS[i % COLOURS.length],
      backgroundColor: pattern(PATTERNS[i % PATTERNS.length], COLOURS[i % COLOURS.length])
    };
  }

  function line(label, data, i, estimated) {
    return {
      label: label, data: data, estimated: estimated, borderWidth: 2, tension: 0,
      borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length],
      borderDash: DASHES[i % DASHES.length], pointStyle: POINTS[i % POINTS.length], pointRadius: 3.5
    };
  }

  function draw(name, type, labels, datasets, options) {
    var section = document.querySelector('[data-chart="' + name + '"]');
    var empty = datasets.every(function (d) { return d.data.every(function (v) { return !v; }); });
    section.querySelector('.none').hidden = !empty;
    section.querySelector('.canvas-box').hidden = empty;
    if (empty) {
      if (charts[name]) { charts[name].destroy(); delete charts[name]; }
      return;
    }
    if (charts[name]) {
      charts[name].data.labels = labels;
      charts[name].data.datasets = datasets;
      charts[name].update('none');
      return;
    }
    charts[name] = new Chart($('chart-' + name), {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: type === 'line', boxWidth: 18 } } }
      }, options)
    });
  }

  function dayAxis(stacked) {
    return {
      x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 0, callback: function (v) { return this.getLabelForValue(v).substring(5); } } },
      y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
    };
  }

  // ---- the parts of the page ----

  function renderHeader(stats, node) {
    var health = $('health');
    health.textContent = '';
    if (!node.live) {
      health.appendChild(el('span', 'badge files', 'FILES'));
      health.appendChild(el('span', 'reason', 'written from the audit files, not a running node'));
    } else {
      var up = node.health.status === 'UP';
      health.appendChild(el('span', 'badge ' + (up ? 'up' : 'down'), node.health.status));
      health.appendChild(el('span', 'reason', up ? 'audit records can be written' : node.health.reason));
    }
    $('generated-at').textContent = zoned(stats.generatedAt, stats.timeZone);
    $('time-zone').textContent = stats.timeZone + ' (last ' + stats.days + ' days)';
    $('since').textContent = zoned(stats.since, stats.timeZone);
    var dir = $('audit-dir');
    dir.textContent = '';
    var bytes = node.auditDirectory.bytes;
    var size = el('span', '', humanBytes(bytes));
    size.setAttribute('data-bytes', String(bytes));
    size.title = number.format(bytes) + ' bytes';
    dir.appendChild(size);
    dir.appendChild(document.createTextNode(' in '));
    dir.appendChild(figure('span', '', 'node/auditDirectory/files', node.auditDirectory.files));
    dir.appendChild(document.createTextNode(node.auditDirectory.files === 1 ? ' file' : ' files'));
    if (node.auditDirectory.freeBytes >= 0) {
      dir.appendChild(el('span', 'reason', humanBytes(node.auditDirectory.freeBytes) + ' free'));
    }
  }

  function humanBytes(n) {
    var units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function card(label, path, value, details) {
    var c = el('div', 'card');
    c.appendChild(el('div', 'label', label));
    if (path) {
      c.appendChild(figure('div', 'value', path, value));
    } else if (value) {
      c.appendChild(el('div', 'value word', value));
    }
    (details || []).forEach(function (d) {
      var line = el('div', 'detail');
      line.appendChild(el('span', '', d[0]));
      line.appendChild(figure('span', '', d[1], d[2]));
      c.appendChild(line);
    });
    return c;
  }

  function distinctCard(label, key, count) {
    var c = el('div', 'card');
    c.appendChild(el('div', 'label', label + (count.exact ? '' : ' (estimate)')));
    var value = el('div', 'value');
    if (!count.exact) { value.appendChild(document.createTextNode('≈')); }
    value.appendChild(figure('span', '', 'stats/total/' + key + '/count', count.count));
    c.appendChild(value);
    c.appendChild(bounds('div', 'detail', 'stats/total/' + key, count) || el('div', 'detail', 'exact'));
    return c;
  }

  /** The 95% bounds of an estimated count, or null for an exact one. */
  function bounds(tag, className, path, count) {
    if (count.exact) { return null; }
    var b = el(tag, className);
    b.appendChild(document.createTextNode('95%: '));
    b.appendChild(figure('span', '', path + '/lowerBound95', count.lowerBound95));
    b.appendChild(document.createTextNode('–'));
    b.appendChild(figure('span', '', path + '/upperBound95', count.upperBound95));
    return b;
  }

  function renderTotals(stats) {
    var t = stats.total;
    var cards = $('total-cards');
    cards.textContent = '';
    var kinds = t.byConversationKind || {};
    cards.appendChild(card('Messages', 'stats/total/messages', t.messages, [
      ['one-to-one', 'stats/total/byConversationKind/single', kinds.single || 0],
      ['group', 'stats/total/byConversationKind/group', kinds.group || 0]
    ]));
    cards.appendChild(card('Notifications', 'stats/total/notifications', t.notifications));
    cards.appendChild(card('Duplicates', 'stats/total/duplicates', t.duplicates));
    // by status and by command, as the document counts them: the page adds nothing up
    var refused = Object.keys(t.refused).map(function (s) {
      return [s + ' ' + (REFUSALS[s] || ''), 'stats/total/refused/' + s, t.refused[s]];
    });
    cards.appendChild(card('Refused, by status', null, refused.length ? '' : 'none', refused));
    var passed = Object.keys(t.passed).map(function (c) { return [c, 'stats/total/passed/' + c, t.passed[c]]; });
    cards.appendChild(card('Other webhooks passed', null, passed.length ? '' : 'none', passed));
    DISTINCT.forEach(function (d) { cards.appendChild(distinctCard(d[1], d[0], t[d[0]])); });
    $('totals-note').textContent = 'since ' + zoned(stats.since, stats.timeZone) + ' (' + stats.timeZone + ')';
  }

  function renderCharts(stats, days) {
    function perDay(keys) {
      return days.map(function (d) { return get(stats.byDay[d], keys) || 0; });
    }
    draw('messages', 'bar', days, [
      bars('one-to-one', perDay(['byConversationKind', 'single']), 0, 'messages'),
      bars('group', perDay(['byConversationKind', 'group']), 1, 'messages'),
      bars('notifications', perDay(['notifications']), 2, 'notifications')
    ], { scales: dayAxis(true) });

    var statuses = {};
    days.forEach(function (d) { Object.keys(get(stats.byDay[d], ['refused']) || {}).forEach(function (s) { statuses[s] = true; }); });
    var problems = [bars('duplicates', perDay(['duplicates']), 0)];
    Object.keys(statuses).sort().forEach(function (s, i) {
      problems.push(bars('refused ' + s + (REFUSALS[s] ? ' ' + REFUSALS[s] : ''), perDay(['refused', s]), i + 1));
    });
    draw('problems', 'bar', days, problems, { scales: dayAxis(false) });

    draw('people', 'line', days, DISTINCT.map(function (d, i) {
      return line(d[1], perDay([d[0], 'count']), i, days.map(function (day) {
        return get(stats.byDay[day], [d[0], 'exact']) === false;
      }));
    }), {
      scales: dayAxis(false),
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true } },
        tooltip: { callbacks: { label: function (ctx) {
          var estimated = ctx.dataset.estimated[ctx.dataIndex];
          return ctx.dataset.label + ': ' + (estimated ? '≈' : '') + number.format(ctx.parsed.y);
        } } }
      }
    });

    breakdown('content', stats.total.byContentType, CONTENT_TYPES);
    breakdown('platform', stats.total.bySenderPlatformID, PLATFORMS);
  }

  function breakdown(name, counts, names) {
    var keys = Object.keys(counts || {}).sort(function (a, b) { return counts[b] - counts[a]; });
    var labels = keys.map(function (k) { return k + (names[k] ? ' ' + names[k] : ''); });
    draw(name, 'bar', labels, [bars('messages', keys.map(function (k) { return counts[k]; }), 0)], {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } }
    });
  }

  function renderTable(stats, days) {
    var table = $('days-table');
    table.textContent = '';
    var head = el('thead');
    var row = el('tr');
    ['Day', 'Messages', 'One-to-one', 'Group', 'Notifications', 'Duplicates', 'Refused (status)', 'Senders',
      'Receivers', 'Users', 'Groups', 'Conversations'].forEach(function (h) { row.appendChild(el('th', '', h)); });
    head.appendChild(row);
    table.appendChild(head);
    var body = el('tbody');
    var shown = days.filter(function (d) { return stats.byDay[d]; }).reverse();
    shown.forEach(function (d) {
      var day = stats.byDay[d];
      var path = 'stats/byDay/' + d + '/';
      var tr = el('tr');
      tr.appendChild(el('td', '', d));
      [['messages'], ['byConversationKind', 'single'], ['byConversationKind', 'group'], ['notifications'], ['duplicates']]
        .forEach(function (keys) {
          var td = el('td');
          td.appendChild(figure('span', '', path + keys.join('/'), get(day, keys) || 0));
          tr.appendChild(td);
        });
      var refused = el('td');
      var statuses = Object.keys(day.refused);
      if (!statuses.length) { refused.appendChild(figure('span', '', path + 'refused', 0)); }
      statuses.forEach(function (s, i) {
        if (i) { refused.appendChild(document.createTextNode(', ')); }
        refused.appendChild(figure('span', '', path + 'refused/' + s, day.refused[s]));
        refused.appendChild(document.createTextNode(' (' + s + ')'));
      });
      tr.appendChild(refused);
      DISTINCT.forEach(function (k) {
        var td = el('td');
        var count = day[k[0]];
        if (!count.exact) { td.appendChild(document.createTextNode('≈')); }
        td.appendChild(figure('span', '', path + k[0] + '/count', count.count));
        var b = bounds('small', '', path + k[0], count);
        if (b) { td.appendChild(b); }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    $('days-note').textContent = shown.length
      ? '(newest first; days with no record are left out)'
      : '(no record in the last ' + stats.days + ' days)';
  }

  function render(stats, node) {
    var days = daysShown(stats);
    var t = stats.total;
    var nothing = t.messages === 0 && t.notifications === 0 && t.duplicates === 0;
    $('empty').hidden = !nothing;
    document.querySelectorAll('[data-chart="messages"], [data-chart="people"], [data-chart="content"], [data-chart="platform"]')
      .forEach(function (s) { s.hidden = nothing; });
    renderHeader(stats, node);
    renderTotals(stats);
    renderCharts(stats, days);
    renderTable(stats, days);
    var status = $('status');
    status.className = '';
    if (stats.complete) {
      status.textContent = live ? 'Refreshed every ' + REFRESH_MS / 1000 + ' s; last at ' + new Date().toLocaleTimeString() + '.' : '';
    } else {
      status.textContent = 'Still counting the audit files that were there at start-up: ' + number.format(stats.progress.filesToDo)
        + ' of ' + number.format(stats.progress.files) + ' files to go; the figures grow until then.';
    }
    renders++;
    document.body.setAttribute('data-renders', String(renders));
    document.body.setAttribute('data-generated-at', stats.generatedAt);
    document.body.setAttribute('data-state', 'ready');
  }

  // ---- where the documents come from ----

  var embedded = $('openim-stats');
  var live = !embedded;

  function fetchJson(url) {
    return fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
        return r.json();
      });
  }

  function refresh() {
    Promise.all([fetchJson('stats'), fetchJson('dashboard/node')])
      .then(function (docs) { render(docs[0], docs[1]); })
      .catch(function (e) {
        var status = $('status');
        status.className = 'failed';
        status.textContent = 'Could not refresh at ' + new Date().toLocaleTimeString() + ' (' + e.message
          + '); the figures shown are older. Trying again in ' + REFRESH_MS / 1000 + ' s.';
      })
      .then(function () { setTimeout(refresh, REFRESH_MS); });
  }

  if (live) {
    $('source').textContent = 'Served by the receiver: /stats and /dashboard/node.';
    refresh();
  } else {
    var stats = JSON.parse(embedded.textContent);
    var node = JSON.parse($('openim-node').textContent);
    $('source').textContent = 'Written by the audit tool (summary --html) from the audit files; it does not refresh.';
    render(stats, node);
  }
}());
