// Check-ins per minute over the last half hour, from the check-ins the stream reports.
import { fmt } from '../shared/format.js';
import { t } from '../shared/i18n.js';

const MINUTES = 30;

export function createRateChart(el) {
  const chart = window.echarts ? window.echarts.init(el, null, { renderer: 'canvas' }) : null;
  const seen = new Map();     // check-in key → minute, so a fresh snapshot never counts one twice
  const buckets = new Map();  // minute number → check-ins
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
      axisLabel: { color: '#8fb3e8', fontSize: 16, interval: 4 },
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
        borderRadius: [4, 4, 0, 0],
        color: window.echarts ? new window.echarts.graphic.LinearGradient(0, 0, 0, 1, [
          { offset: 0, color: '#38e1ff' }, { offset: 1, color: 'rgba(30,120,255,.35)' }]) : '#38e1ff',
      },
      label: { show: true, position: 'top', color: '#d6ecff', fontSize: 15, formatter: (p) => (p.value ? p.value : '') },
    }],
  });
  chart?.setOption(base());

  function render() {
    if (!chart) return;
    const end = Math.max(Math.floor(Date.now() / 60000), latest);
    const labels = [], values = [];
    for (let m = end - MINUTES + 1; m <= end; m += 1) {
      labels.push(fmt(new Date(m * 60000), 'time'));
      values.push(buckets.get(m) || 0);
    }
    chart.setOption({ xAxis: { data: labels }, series: [{ data: values }] });
    el.dataset.lastMinute = String(values[values.length - 1]);
  }

  function add(recent) {
    for (const r of recent) {
      const at = Date.parse(r.at);
      if (Number.isNaN(at)) continue;
      const key = `${r.event_id}|${r.name}|${r.at}|${r.organization}`;
      if (seen.has(key)) continue;
      const minute = Math.floor(at / 60000);
      seen.set(key, minute);
      buckets.set(minute, (buckets.get(minute) || 0) + 1);
      latest = Math.max(latest, minute);
    }
    // Forget what has left the window.
    const floor = Math.max(Math.floor(Date.now() / 60000), latest) - MINUTES * 2;
    for (const [k, m] of seen) if (m < floor) seen.delete(k);
    for (const m of buckets.keys()) if (m < floor) buckets.delete(m);
    render();
  }

  setInterval(render, 10000);  // the window rolls on even when nobody arrives
  return {
    add,
    resize: () => chart?.resize(),
    relabel: () => { chart?.setOption(base()); render(); },
  };
}
