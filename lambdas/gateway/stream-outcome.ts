/** A streamed answer as a route returns it: its body, headers, and a cancellation that settles what was delivered. */
export interface StreamOutcome {
  kind: 'stream';
  body: AsyncIterable<string>;
  cancel: () => void;
  headers: Record<string, string>;
}

/** When the client leaves, the upstream call is cancelled and the answer settled at once (the body will not be read to its end). */
export function streamOutcome(
  body: AsyncIterable<string>,
  answer: { cancel: () => void },
  account: { settle: () => Promise<unknown> },
  headers: Record<string, string>,
): StreamOutcome {
  return {
    kind: 'stream',
    body,
    cancel: () => {
      answer.cancel();
      void account.settle();
    },
    headers,
  };
}
