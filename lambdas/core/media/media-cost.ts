import { audioPrices, imagePrices, type ImagePrice } from './media-prices.js';

/** What an image's price depends on; `auto` or an unlisted value is priced as the dearest listed. */
export interface ImageOptions {
  quality?: string | null | undefined;
  size?: string | null | undefined;
}

/**
 * The cost of `count` images of `model` in integer micro-dollars with `markup` (a fraction),
 * rounded up; undefined when the model has no image price. A quality or size the price list does
 * not name (`auto` among them: the provider picks) is charged as the dearest it lists, so a
 * hold made from it is never too small.
 */
export function imageCostMicros(model: string, options: ImageOptions, count: number, markup: number): number | undefined {
  const price = Object.hasOwn(imagePrices, model) ? imagePrices[model] : undefined;
  if (!price) return undefined;
  return withMarkup(dollarsPerImage(price, options) * 1_000_000 * count, markup);
}

/**
 * The cost of `seconds` of transcribed audio on `model` in integer micro-dollars with `markup`,
 * rounded up, at least the provider's minimum; undefined when the model has no audio price.
 */
export function audioCostMicros(model: string, seconds: number, markup: number): number | undefined {
  const price = Object.hasOwn(audioPrices, model) ? audioPrices[model] : undefined;
  if (!price) return undefined;
  const billed = Math.max(seconds, price.minimumSeconds);
  return withMarkup((price.usdPerMinute * 1_000_000 * billed) / 60, markup);
}

function dollarsPerImage(price: ImagePrice, options: ImageOptions): number {
  const quality = options.quality ?? price.defaultQuality;
  const size = options.size ?? price.defaultSize;
  const qualities = Object.hasOwn(price.perImage, quality) ? [price.perImage[quality] ?? {}] : Object.values(price.perImage);
  return Math.max(...qualities.map((sizes) => (Object.hasOwn(sizes, size) ? (sizes[size] ?? 0) : Math.max(...Object.values(sizes)))));
}

/** Rounded to a nano-dollar first, so float noise (0.011 * 1e6) never rounds a whole micro-dollar up. */
function withMarkup(micros: number, markup: number): number {
  const nanos = BigInt(Math.round(micros * 1000));
  const marked = nanos * BigInt(10_000 + Math.round(markup * 10_000));
  const divisor = 10_000n * 1_000n;
  return Number((marked + divisor - 1n) / divisor);
}
