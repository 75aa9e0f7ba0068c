import { z } from 'zod';
import type { DeadLetter } from '../../ports/usage-dead-letters.js';
import type { Settlement } from '../../ports/usage-store.js';

const counterSchema = z.object({ owner: z.string(), period: z.string() });

/** A settlement as stored in a letter, and in the usage fold's per-request item. */
export const storedSettlementSchema = z.object({
  record: z.object({
    requestId: z.string().min(1),
    keyId: z.string().min(1),
    at: z.number(),
    model: z.string(),
    // Absent from letters written before they were recorded.
    modelRequested: z.string().optional(),
    cost: z.int().nonnegative(),
    inputTokens: z.int().nonnegative(),
    outputTokens: z.int().nonnegative(),
    totalTokens: z.int().nonnegative(),
    cachedTokens: z.int().nonnegative().optional(),
    userId: z.string().optional(),
    extra: z.record(z.string(), z.string()),
    // Absent from letters written before they were recorded, and for requests without them.
    groupId: z.string().optional(),
    groupName: z.string().optional(),
    originTitle: z.string().optional(),
  }),
  counters: z.array(counterSchema),
  hold: z.object({ requestId: z.string().min(1), amount: z.int().nonnegative(), counters: z.array(counterSchema) }).nullable(),
});

/** A dead letter as stored: one JSON object (a line of the local file, an SQS message body). */
const storedLetterSchema = z.object({
  version: z.literal(1),
  at: z.number(),
  reason: z.object({ message: z.string(), rejected: z.boolean() }),
  truncated: z.boolean().optional(),
  settlement: storedSettlementSchema,
});

/**
 * Under SQS's 256 KB message limit with room to spare. Only a settlement that never passed
 * the edge's bounds comes near it; its text is then cut, never its money or counters.
 */
export const maxLetterBytes = 200_000;

export function encodeLetter(letter: DeadLetter): string {
  const { settlement, reason, at } = letter;
  const text = (settlement: DeadLetter['settlement'], truncated?: boolean) =>
    JSON.stringify({ version: 1, at, reason, ...(truncated ? { truncated } : {}), settlement: { ...settlement, hold: settlement.hold ?? null } });
  const whole = text(settlement, letter.truncated);
  if (Buffer.byteLength(whole) <= maxLetterBytes) return whole;
  const { record } = settlement;
  const cut = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);
  const shortened = {
    ...record,
    model: cut(record.model, 1_000),
    ...(record.modelRequested === undefined ? {} : { modelRequested: cut(record.modelRequested, 1_000) }),
    ...(record.userId === undefined ? {} : { userId: cut(record.userId, 1_000) }),
    ...(record.originTitle === undefined ? {} : { originTitle: cut(record.originTitle, 1_000) }),
    extra: {},
  };
  return text({ ...settlement, record: shortened }, true);
}

/** Parses a stored letter; throws with the reason when it is not one. */
export function decodeLetter(text: string): DeadLetter {
  const { settlement, reason, at, truncated } = storedLetterSchema.parse(JSON.parse(text));
  return { settlement: settlementOf(settlement), reason, at, ...(truncated ? { truncated } : {}) };
}

/** The settlement a parsed stored one holds, without the optional fields it lacks. */
export function settlementOf(settlement: z.infer<typeof storedSettlementSchema>): Settlement {
  const { userId, modelRequested, cachedTokens, groupId, groupName, originTitle, ...record } = settlement.record;
  const optional = {
    ...(userId === undefined ? {} : { userId }),
    ...(modelRequested === undefined ? {} : { modelRequested }),
    ...(cachedTokens === undefined ? {} : { cachedTokens }),
    ...(groupId === undefined ? {} : { groupId }),
    ...(groupName === undefined ? {} : { groupName }),
    ...(originTitle === undefined ? {} : { originTitle }),
  };
  return { record: { ...record, ...optional }, counters: settlement.counters, hold: settlement.hold ?? undefined };
}
