/**
 * How long the transcribed audio was, in seconds, as the provider's answer tells it: `duration`
 * (verbose_json), `usage.seconds` (whisper-1's json), or the last cue's end (srt, vtt, which
 * understates by the trailing silence at most). Undefined when the answer does not tell (plain
 * text; the token usage of gpt-4o transcription models).
 */
export function transcriptSeconds(format: string, body: string): number | undefined {
  if (format === 'srt' || format === 'vtt') return lastCueEnd(body);
  if (format !== 'json' && format !== 'verbose_json') return undefined;
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { duration, usage } = answer as { duration?: unknown; usage?: { type?: unknown; seconds?: unknown } };
  if (isSeconds(duration)) return duration;
  if (usage?.type === 'duration' && isSeconds(usage.seconds)) return usage.seconds;
  return undefined;
}

function lastCueEnd(body: string): number | undefined {
  let last: number | undefined;
  for (const match of body.matchAll(/-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})/g)) {
    const [, hours = '0', minutes = '0', seconds = '0', millis = '0'] = match;
    last = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
  }
  return last;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e7;
}
