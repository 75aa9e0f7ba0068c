export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The items an iterable yields before it fails, and what it failed with (undefined if it ended). */
export async function collectUntilError<T>(iterable: AsyncIterable<T>): Promise<{ received: T[]; error: unknown }> {
  const received: T[] = [];
  try {
    for await (const item of iterable) received.push(item);
  } catch (error) {
    return { received, error };
  }
  return { received, error: undefined };
}
