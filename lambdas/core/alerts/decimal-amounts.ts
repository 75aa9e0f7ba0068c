/**
 * Money and percentages as exact decimal text, the way Requesty's alert payloads carry them
 * ("100", "87.50", "0.8"), made from integers: no float ever rounds a cent away.
 * https://docs.requesty.ai/features/alerts#webhook-payload-formats
 */

const microsPerDollar = 1_000_000;
const basisPointsPerWhole = 10_000;

/** Integer micro-dollars as dollars: `minDecimals` 2 gives money ("87.50"), 0 the shortest form ("100"). */
export function dollarsText(micros: number, { minDecimals = 0 }: { minDecimals?: number } = {}): string {
  return decimalText(Math.round(micros), microsPerDollar, 6, minDecimals);
}

/** A percentage in basis points as the fraction Requesty sends: 8000 → "0.8", 10000 → "1". */
export function fractionText(basisPoints: number): string {
  return decimalText(basisPoints, basisPointsPerWhole, 4, 0);
}

/** A percentage in basis points as people write it: 8000 → "80", 7550 → "75.5". */
export function percentText(basisPoints: number): string {
  return decimalText(basisPoints, 100, 2, 0);
}

function decimalText(value: number, unit: number, digits: number, minDecimals: number): string {
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  const fraction = String(magnitude % unit)
    .padStart(digits, '0')
    .replace(/0+$/, '')
    .padEnd(minDecimals, '0');
  return `${sign}${Math.floor(magnitude / unit)}${fraction ? `.${fraction}` : ''}`;
}

/**
 * A decimal given as a JSON number or a string ("50", "12.5") as an integer count of
 * `1 / 10^decimals` units, exactly for strings; undefined when it is not a plain non-negative
 * decimal with at most `decimals` places.
 */
export function decimalUnits(value: number | string, decimals: number): number | undefined {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  if (text === undefined) return undefined;
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, whole = '', fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) return undefined;
  return Number(whole) * 10 ** decimals + Number(significant.padEnd(decimals, '0') || '0');
}

/** A JSON number in plain decimal notation (1e-7 has more places than any amount here allows). */
function numberText(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const text = String(value);
  return /e/i.test(text) ? undefined : text;
}
