// Amounts of money as the API keeps them: integer nano-units (10^-9 of the currency). Converted to and from the
// decimal text people type and read by string arithmetic only, so no amount ever passes through a JS float.
'use strict';
const money = {
  nanoDigits: 9,
  symbols: { USD: '$', EUR: '€', GBP: '£' },
  // "$", "€", "£", else the code and a space ("CHF ").
  prefix(currency) { return this.symbols[currency] || `${currency || ''} `; },
  // "25.50" → "25500000000"; null when the text is not a non-negative decimal with at most 9 decimals.
  toNano(text) {
    const match = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(text || '');
    if (!match || (match[1] === '' && !match[2]) || (match[2] || '').length > this.nanoDigits) return null;
    const digits = (match[1] + (match[2] || '').padEnd(this.nanoDigits, '0')).replace(/^0+(?=\d)/, '');
    return digits;
  },
  // Nano-units (an integer Number as JSON gives it, or a digit string) → "25.5": the plain amount, as typed.
  fromNano(nano) { return this.split(nano, 0); },
  // Nano-units → "$25.50", "€0.00015", "CHF 1,200.00": at least two decimals, more only when the amount has them.
  format(nano, currency) {
    const text = this.split(nano, 2, true);
    return text.startsWith('-') ? `-${this.prefix(currency)}${text.slice(1)}` : `${this.prefix(currency)}${text}`;
  },
  // A decimal the API wrote as a JSON number (a price per million, such as 2.5) → "$2.50".
  formatDecimal(value, currency) {
    const nano = this.toNano(String(value));
    return nano === null ? String(value) : this.format(nano, currency);
  },
  // The JSON value of a nano-unit digit string: raw JSON where the browser has it, so even amounts past 2^53 stay exact.
  json(nano) { return typeof JSON.rawJSON === 'function' ? JSON.rawJSON(nano) : Number(nano); },
  split(nano, minDecimals, grouped) {
    // BigInt of an integral Number is exact; the digits are then cut into whole and fraction as text.
    let digits = BigInt(nano).toString();
    const negative = digits.startsWith('-');
    if (negative) digits = digits.slice(1);
    digits = digits.padStart(this.nanoDigits + 1, '0');
    let whole = digits.slice(0, -this.nanoDigits);
    let fraction = digits.slice(-this.nanoDigits).replace(/0+$/, '');
    if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, '0');
    if (grouped) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (negative ? '-' : '') + whole + (fraction ? `.${fraction}` : '');
  },
};
