// The user quota widget: period written out, input/output progress bars, remaining tokens, rate limits,
// a warning above 80 % and a blocked state at 100 % that says when the limit resets; below them one bar per extra
// limit of the user's profile (quota.limits), each with its own state; a cost limit's figures in its currency.
'use strict';
const quotaWidget = {
  async refresh() {
    const widget = document.getElementById('quota-widget');
    try {
      const { quota } = await api.get('/api/v1/auth/user/quota-status');
      this.render(widget, quota);
    } catch (e) {
      widget.dataset.state = 'error';
      document.getElementById('quota-alert').textContent = `Could not load your quota: ${e.message}`;
    }
  },
  render(widget, quota) {
    document.getElementById('quota-period').textContent = format.period(quota.period);
    document.getElementById('quota-profile').textContent = quota.profile_name || 'none';
    const dims = [['input', 'input', quota.input_tokens], ['output', 'output', quota.output_tokens]];
    let state = 'ok';
    const messages = [];
    for (const [id, label, d] of dims) {
      const meter = document.getElementById(`${id}-meter`);
      const text = document.getElementById(`${id}-text`);
      if (d.limit === null) {
        meter.value = 0;
        meter.setAttribute('aria-valuetext', 'Unlimited');
        text.textContent = `${format.number(d.used)} used · Unlimited`;
        continue;
      }
      const pct = d.percentage_used;
      meter.value = Math.min(100, pct);
      meter.setAttribute('aria-valuetext', `${pct.toFixed(1)} percent used`);
      text.textContent = `${format.number(d.used)} of ${format.number(d.limit)} used (${pct.toFixed(1)} %) · ${format.number(d.remaining)} remaining`;
      if (pct >= 100 || d.remaining === 0) {
        state = 'blocked';
        messages.push(`Blocked: your monthly ${label} token limit is reached. It resets on ${format.dateTime(quota.resets_at)}.`);
      } else if (pct > 80) {
        if (state !== 'blocked') state = 'warning';
        messages.push(`Warning: you have used ${pct.toFixed(1)} % of your monthly ${label} tokens.`);
      }
    }
    for (const extra of extraLimits.render(quota.limits || [])) {
      if (extra.state === 'blocked') state = 'blocked';
      else if (extra.state === 'warning' && state !== 'blocked') state = 'warning';
      if (extra.message) messages.push(extra.message);
    }
    const rates = quota.rate_limits || {};
    document.getElementById('rate-hour').textContent = format.number(rates.prompts_per_hour);
    document.getElementById('rate-day').textContent = format.number(rates.prompts_per_day);
    document.getElementById('rate-config').textContent = format.number(rates.config_changes_per_hour);
    widget.dataset.state = state;
    const alert = document.getElementById('quota-alert');
    const blocked = messages.filter(m => m.startsWith('Blocked'));
    alert.textContent = (state === 'blocked' ? blocked : messages).join(' ');
  },
};

// The extra limits of the user's profile: one bar each in #extra-limits, hidden when the profile has none.
const extraLimits = {
  meters: {
    prompts: 'Prompts', config_changes: 'Configuration changes', input_tokens: 'Input tokens',
    output_tokens: 'Output tokens', total_tokens: 'Total tokens', cost: 'Cost', in_flight: 'Concurrent requests',
  },
  algorithms: { token_bucket: 'token bucket', sliding_window: 'sliding window' },
  // "Total tokens per minute · gpt-4o*", "Prompts per hour (token bucket)", "Concurrent requests".
  label(limit) {
    let text = this.meters[limit.meter] || limit.meter;
    if (limit.window) text += ` per ${limit.window}`;
    if (this.algorithms[limit.algorithm]) text += ` (${this.algorithms[limit.algorithm]})`;
    if (limit.model) text += ` · ${limit.model}`;
    return text;
  },
  // Minute and hour windows (and live requests) reset within the day: the time; longer windows: the date.
  resets(limit) {
    if (!limit.resets_at) return '';
    const short = !limit.window || limit.window === 'minute' || limit.window === 'hour';
    return short ? `resets ${format.time(limit.resets_at)}` : `resets on ${format.dateTime(limit.resets_at)}`;
  },
  // Renders the bars; returns each limit's state and alert message for the widget's own state.
  render(limits) {
    const section = document.getElementById('extra-limits-section');
    const list = document.getElementById('extra-limits');
    section.hidden = limits.length === 0;
    const results = [];
    const items = limits.map((limit, i) => {
      const id = `extra-limit-${i + 1}`;
      const label = this.label(limit);
      const item = document.createElement('li');
      item.className = 'meter';
      const caption = document.createElement('label');
      caption.htmlFor = `${id}-meter`;
      caption.textContent = label;
      const meter = document.createElement('progress');
      meter.id = `${id}-meter`;
      meter.max = 100;
      meter.setAttribute('aria-describedby', `${id}-text`);
      const text = document.createElement('p');
      text.id = `${id}-text`;
      text.className = 'figures';
      // A cost limit counts nano-units of its currency: its figures are money ($4.25), any other's counts.
      const figure = limit.meter === 'cost' ? (n) => money.format(n, limit.currency) : (n) => format.number(n);
      const held = limit.reserved > 0 ? ` + ${figure(limit.reserved)} held` : '';
      let state = 'ok';
      let message = '';
      if (limit.limit === null) {
        meter.value = 0;
        meter.setAttribute('aria-valuetext', 'Unlimited');
        text.textContent = `${figure(limit.used)} used${held} · Unlimited`;
      } else {
        const pct = limit.percentage_used;
        const resets = this.resets(limit);
        const name = label.charAt(0).toLowerCase() + label.slice(1);
        meter.value = Math.min(100, pct);
        meter.setAttribute('aria-valuetext', `${pct.toFixed(1)} percent used`);
        text.textContent = `${figure(limit.used)} of ${figure(limit.limit)} used${held} (${pct.toFixed(1)} %) · ${figure(limit.remaining)} remaining`
          + (resets ? ` · ${resets}` : '');
        if (pct >= 100 || limit.remaining === 0) {
          state = 'blocked';
          message = `Blocked: your ${name} limit is reached.` + (resets ? ` It ${resets}.` : '');
        } else if (pct >= 80) {
          state = 'warning';
          message = `Warning: you have used ${pct.toFixed(1)} % of your ${name} limit.`;
        }
      }
      item.dataset.state = state;
      item.append(caption, meter, text);
      results.push({ state, message });
      return item;
    });
    list.replaceChildren(...items);
    return results;
  },
};
