// Check-ins per minute over the last hour. The snapshot brings the counts per event and
// minute (live check-ins only); each update adds its check-ins and takes undone ones off
// their minute. Counts are kept per event, so the chart sums just the events shown.
import { fmt } from '../shared/format.js';
import { t } from '../shared/i18n.js';

const MINUTES = 60;

export function createRateChart(el, { shown = () => null } = {}) {
  const chart = window.echarts ? window.echarts.init(el, null, { renderer: 'canvas' }) : null;
  const buckets = new Map();  // "eventId|minute number" → live check-ins
  let latest = 0;             // the newest minute the server reported: a board whose clock is behind still shows it

  const base = () => ({
    animationDuration: 300,
    animationDurationUpdate: 300,
    grid: { left: 56, right: 20, top: 34, bottom: 34 },
    tooltip: { show: false },
    xAxis: {
      type: 'category', data: [],
      axisLine: { lineStyle: { color: 'rgba(120,170,255,.35)' } },
      axisTick: { show: false },
      axisLabel: { color: '#8fb3e8', fontSize: 16, interval: 9 },
    },
    yAxis: {
      type: 'value', minInterval: 1, name: t('board.per_minute_unit'),
      nameTextStyle: { color: '#8fb3e8', fontSize: 15, align: 'left' },
      axisLabel: { color: '#8fb3e8', fontSize: 16 },
      splitLine: { lineStyle: { color: 'rgba(120,170,255,.12)' } },
    },
    series: [{
      type: 'bar', data: [], barWidth: '62%',
      itemStyle: {
        borderRadius: [3, 3, 0, 0],
        color: window.echarts ? new window.echarts.graphic.LinearGradient(0, 0, 0, 1, [
          { offset: 0, color: '#38e1ff' }, { offset: 1, color: 'rgba(30,120,255,.35)' }]) : '#38e1ff',
      },
      label: { show: true, position: 'top', color: '#d6ecff', fontSize: 13, formatter: (p) => (p.value ? p.value : '') },
    }],
  });
  chart?.setOption(base());

  const now = () => Math.max(Math.floor(Date.now() / 60000), latest);

  function render() {
    const end = now();
    const perMinute = new Map();
    const keep = shown();  // the ids of the events shown; null = all
    for (const [key, n] of buckets) {
      const [id, m] = key.split('|').map(Number);
      if (m > end - MINUTES && (!keep || keep.has(id))) perMinute.set(m, (perMinute.get(m) || 0) + n);
    }
    const labels = [], values = [];
    for (let m = end - MINUTES + 1; m <= end; m += 1) {
      labels.push(fmt(new Date(m * 60000), 'time'));
      values.push(perMinute.get(m) || 0);
    }
    chart?.setOption({ xAxis: { data: labels }, series: [{ data: values }] });
    // For tests and the operator: the minutes that have check-ins, and the latest minute.
    el.dataset.minutes = String(values.filter((v) => v > 0).length);
    el.dataset.total = String(values.reduce((a, b) => a + b, 0));
    el.dataset.lastMinute = String(values[values.length - 1]);
  }

  function bump(list, by) {
    for (const r of list || []) {
      const at = Date.parse(r.minute || r.at);
      if (Number.isNaN(at)) continue;
      const minute = Math.floor(at / 60000);
      const key = `${r.event_id}|${minute}`;
      const n = (buckets.get(key) || 0) + by * (r.count ?? 1);
      if (n > 0) buckets.set(key, n); else buckets.delete(key);
      if (by > 0) latest = Math.max(latest, minute);
    }
  }

  function forgetOld() {
    const floor = now() - MINUTES * 2;
    for (const key of buckets.keys()) if (Number(key.split('|')[1]) < floor) buckets.delete(key);
  }

  setInterval(render, 10000);  // the window rolls on even when nobody arrives
  return {
    // The snapshot's history replaces what was counted: it is the truth at that frame.
    reset(history) {
      buckets.clear();
      bump(history, 1);
      render();
    },
    add(checkins, undone) {
      bump(checkins, 1);
      bump(undone, -1);
      forgetOld();
      render();
    },
    render,
    resize: () => chart?.resize(),
    relabel: () => { chart?.setOption(base()); render(); },
  };
}
