// The four charts, drawn with Chart.js (the UMD build served beside this file defines window.Chart).
// Each render replaces the chart: data changes with every range, and animation is off so what is
// on the canvas is always the data last received.

import { amount, byId, count, percent, show, statusColour } from './format.js';

const { Chart } = window;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
Chart.defaults.color = '#3d4752';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const MAX_REASONS = 12;
const FUNNEL_COLOURS = { triggered: '#9bb3cc', sent: '#2e9d5b', converted: '#8e6cc2' };
const NPS_COLOURS = { score: '#1f8a8a', answers: '#c9dede' };

function draw(canvasId, config) {
  Chart.getChart(canvasId)?.destroy();
  return new Chart(byId(canvasId), config);
}

/** Says why a chart is empty (or partial) under it; `null` hides the note. */
function note(id, text) {
  const node = byId(id);
  node.textContent = text ?? '';
  show(node, text !== null);
}

export function drawTimeline(series) {
  show(byId('timeline-chart').parentElement, series !== null);
  if (series === null) {
    Chart.getChart('timeline-chart')?.destroy();
    return note('timeline-note', 'This API does not report dispatches over time (an older version): see the totals.');
  }
  note('timeline-note', series.datasets.length === 0 ? 'No dispatches in this range for this channel.' : null);
  draw('timeline-chart', {
    type: 'bar',
    data: {
      labels: series.labels,
      datasets: series.datasets.map(({ status, data }) => ({
        label: status,
        data,
        backgroundColor: statusColour(status),
        borderWidth: 0,
      })),
    },
    options: {
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

export function drawReasons(items) {
  const shown = items.slice(0, MAX_REASONS);
  note(
    'reasons-note',
    items.length === 0
      ? 'Nothing was suppressed, deferred or failed in this range.'
      : items.length > MAX_REASONS
        ? `The ${MAX_REASONS} most frequent of ${items.length} reasons.`
        : null,
  );
  draw('reasons-chart', {
    type: 'bar',
    data: {
      labels: shown.map((item) => item.reason),
      datasets: [
        {
          label: 'dispatches',
          data: shown.map((item) => item.count),
          backgroundColor: shown.map((item) => statusColour(item.status)),
          borderWidth: 0,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { footer: (context) => shown[context[0].dataIndex].status } },
      },
    },
  });
}

export function drawFunnel(rules) {
  const withConversions = rules.some((rule) => typeof rule.conversions === 'number');
  note(
    'funnel-note',
    rules.length === 0
      ? 'No rule had dispatches in this range.'
      : withConversions
        ? null
        : 'This API does not report conversions (an older version): triggered and sent only.',
  );
  const bar = (label, colour, values) => ({ label, data: values, backgroundColor: colour, borderWidth: 0 });
  const datasets = [
    bar(
      'triggered',
      FUNNEL_COLOURS.triggered,
      rules.map((rule) => rule.triggered),
    ),
    bar(
      'sent',
      FUNNEL_COLOURS.sent,
      rules.map((rule) => rule.sent),
    ),
  ];
  if (withConversions)
    datasets.push(
      bar(
        'converted',
        FUNNEL_COLOURS.converted,
        rules.map((rule) => rule.conversions),
      ),
    );
  draw('funnel-chart', {
    type: 'bar',
    data: { labels: rules.map((rule) => rule.name), datasets },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            footer: (context) => {
              const rule = rules[context[0].dataIndex];
              return withConversions
                ? `conversion rate ${percent(rule.conversionRate)} · revenue ${amount(rule.revenue)}`
                : `${count(rule.sent)} sent of ${count(rule.triggered)}`;
            },
          },
        },
      },
    },
  });
}

/** The shop's NPS per bucket: the score as a line (−100..100, left), the answers as bars (right). */
export function drawNps(series) {
  show(byId('nps-chart').parentElement, series !== null);
  if (series === null) {
    Chart.getChart('nps-chart')?.destroy();
    return note('nps-note', 'This API does not report NPS (an older version).');
  }
  const answered = series.answers.some((answers) => answers > 0);
  note('nps-note', answered ? null : 'No survey answers in this range.');
  draw('nps-chart', {
    type: 'bar',
    data: {
      labels: series.labels,
      datasets: [
        {
          type: 'line',
          label: 'NPS',
          data: series.score,
          yAxisID: 'score',
          borderColor: NPS_COLOURS.score,
          backgroundColor: NPS_COLOURS.score,
          // A bucket without answers has no score: the line joins the buckets that have one.
          spanGaps: true,
          pointRadius: 3,
        },
        {
          type: 'bar',
          label: 'answers',
          data: series.answers,
          yAxisID: 'answers',
          backgroundColor: NPS_COLOURS.answers,
          borderWidth: 0,
        },
      ],
    },
    options: {
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } },
        score: { type: 'linear', position: 'left', min: -100, max: 100, title: { display: true, text: 'NPS' } },
        answers: {
          type: 'linear',
          position: 'right',
          beginAtZero: true,
          grid: { display: false },
          ticks: { precision: 0 },
          title: { display: true, text: 'answers' },
        },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

/** What each chart currently shows, for the browser test and for anyone poking at the page. */
export function chartData() {
  const read = (id) => {
    const chart = Chart.getChart(id);
    if (chart === undefined) return null;
    return {
      labels: [...chart.data.labels],
      datasets: chart.data.datasets.map((dataset) => ({ label: dataset.label, data: [...dataset.data] })),
    };
  };
  return {
    timeline: read('timeline-chart'),
    reasons: read('reasons-chart'),
    funnel: read('funnel-chart'),
    nps: read('nps-chart'),
  };
}
