import { createHash } from 'node:crypto';
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { periodEnd } from '../../core/accounting/periods.js';
import type { Counter, Hold, Settlement, UsageRecord, UsageRow } from '../../ports/usage-store.js';
import { usageTableSchema } from './table-names.js';

/**
 * The items of the usage table. Partition = a counter's owner (`key#<id>`, `group#<id>`,
 * `org`); sort key = the period for a counter (`2026-11`, `2026-11-23`, `all`), and, under keys,
 * `use#<hour>#<digest>` for a usage row (one per hour, models, user, extra values, group and
 * calling app). Every usage row has a twin under `org-usage` (its digest also over the key's id),
 * so the organisation's usage is one range read however many keys it has. A counter
 * holds `committed`, `spent`, `requests`, and one attribute `res:<request>` per open reservation
 * (amount, expiry, and every counter it holds), so reserving on one counter is one conditional
 * update and a reservation goes with the counter it holds. A request's marker, `req#<request>`,
 * exists only for requests settled on a path that no reservation guards (see requestMarker).
 */
export type Item = Record<string, AttributeValue>;
export type Update = NonNullable<TransactWriteItem['Update']>;

const { partitionKey: pk, sortKey: sk, timeToLiveAttribute: ttl } = usageTableSchema;
const keepSeconds = 400 * 86_400;
const maxTransactionItems = 100;
/**
 * DynamoDB refuses a transaction over 4 MB; this bounds the estimate (the JSON of the items,
 * which is what is sent) with room for what the estimate leaves out. A transaction the
 * estimate gets wrong is refused whole, and its settlements are then written one by one.
 */
const maxTransactionBytes = 3_000_000;
/** An expression may be 4 KB long: a counter update removes at most this many reservations. */
const maxReleasesPerUpdate = 50;
export const reservationPrefix = 'res:';
/** The partition of the organisation's twins of the usage rows. */
export const orgUsagePartition = 'org-usage';

export function counterKey(counter: Counter): Item {
  return { [pk]: { S: counter.owner }, [sk]: { S: counter.period } };
}

export function number(value: number): AttributeValue {
  return { N: String(value) };
}

/**
 * Adds `deltas` to a counter, adds (`reserve`) or removes (`release`) reservation attributes,
 * and gives a new monthly or daily counter its expiry. Releasing requires each reservation to
 * be there still.
 */
export function counterUpdate(
  tableName: string,
  counter: Counter,
  deltas: Record<string, number>,
  { reserve, release = [] }: { reserve?: { requestId: string; value: AttributeValue }; release?: readonly string[] } = {},
): Update {
  const names: Record<string, string> = {};
  const values: Item = {};
  const adds = Object.entries(deltas).map(([attribute, delta], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = number(delta);
    return `#a${index} :a${index}`;
  });
  const sets: string[] = [];
  const end = periodEnd(counter.period);
  if (end !== undefined) {
    names['#ttl'] = ttl;
    values[':ttl'] = number(Math.floor(end / 1000) + keepSeconds);
    sets.push('#ttl = if_not_exists(#ttl, :ttl)');
  }
  if (reserve) {
    names['#reserve'] = reservationPrefix + reserve.requestId;
    values[':reservation'] = reserve.value;
    sets.push('#reserve = :reservation');
  }
  const removes = release.map((requestId, index) => {
    names[`#r${index}`] = reservationPrefix + requestId;
    return `#r${index}`;
  });
  return {
    TableName: tableName,
    Key: counterKey(counter),
    UpdateExpression: [`ADD ${adds.join(', ')}`, sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
      .filter(Boolean)
      .join(' '),
    ...(removes.length ? { ConditionExpression: removes.map((name) => `attribute_exists(${name})`).join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A reservation as its counters keep it: enough to release it from all of them. */
export function reservationValue(amount: number, expiresAt: number, counters: readonly Counter[]): AttributeValue {
  return {
    M: {
      amount: number(amount),
      expires_ms: number(expiresAt),
      counters: { L: counters.map((counter) => ({ M: { owner: { S: counter.owner }, period: { S: counter.period } } })) },
    },
  };
}

/** The reservations a counter item holds that expired before `now`. */
export function expiredReservations(item: Item, now: number): Hold[] {
  return Object.entries(item).flatMap(([name, value]) => {
    if (!name.startsWith(reservationPrefix) || Number(value.M?.expires_ms?.N ?? 0) >= now) return [];
    const counters = (value.M?.counters?.L ?? []).map((entry) => ({ owner: entry.M?.owner?.S ?? '', period: entry.M?.period?.S ?? '' }));
    return [{ requestId: name.slice(reservationPrefix.length), amount: Number(value.M?.amount?.N ?? 0), counters }];
  });
}

/**
 * The transactions that settle a batch: per counter one update with the batch's amounts added
 * up and its reservations removed, per usage row one update (a transaction may touch an item
 * only once), split so that none holds more than DynamoDB's 100 items or over-long expressions.
 * `alongside` adds one item per settlement to its transaction (the usage fold's mark that it
 * was counted), counted against those limits.
 */
export function settlementTransactions(
  tableName: string,
  batch: readonly Settlement[],
  alongside?: (settlement: Settlement) => TransactWriteItem,
): { items: TransactWriteItem[]; settlements: Settlement[] }[] {
  const transactions: { items: TransactWriteItem[]; settlements: Settlement[] }[] = [];
  let settlements: Settlement[] = [];
  let counters = new Map<string, { counter: Counter; committed: number; spent: number; requests: number; release: string[] }>();
  let rows = new Map<string, { record: UsageRecord; sortKey: string; sums: RowSums }>();
  let bytes = 0;
  const close = () => {
    if (settlements.length === 0) return;
    const items = [
      ...[...counters.values()].map(({ counter, release, ...deltas }) => ({ Update: counterUpdate(tableName, counter, deltas, { release }) })),
      ...[...rows.values()].flatMap(({ record, sortKey, sums }) => [
        { Update: rowUpdate(tableName, { [pk]: { S: `key#${record.keyId}` }, [sk]: { S: sortKey } }, record, sums) },
        { Update: rowUpdate(tableName, { [pk]: { S: orgUsagePartition }, [sk]: { S: orgRowSortKey(record) } }, record, sums) },
      ]),
      ...(alongside ? settlements.map(alongside) : []),
    ];
    transactions.push({ items, settlements });
    counters = new Map();
    rows = new Map();
    settlements = [];
    bytes = 0;
  };
  for (const settlement of batch) {
    const { record, counters: touched, hold } = settlement;
    const sortKey = rowSortKey(record);
    // Rows are per key: two keys' requests alike in every other way are two rows.
    const rowId = `${record.keyId}\n${sortKey}`;
    const newCounters = touched.filter((counter) => !counters.has(counterId(counter)));
    // A row is two items: the key's, and its twin under the organisation.
    const added = newCounters.length + (rows.has(rowId) ? 0 : 2) + (alongside ? 1 : 0);
    const addedBytes = newCounters.length * counterBytes + (rows.has(rowId) ? 0 : 2 * rowBytes(record)) + (alongside ? markBytes : 0) + (hold ? hold.counters.length * releaseBytes(hold.requestId) : 0);
    const releasesFull = hold?.counters.some((counter) => (counters.get(counterId(counter))?.release.length ?? 0) >= maxReleasesPerUpdate);
    if (counters.size + 2 * rows.size + (alongside ? settlements.length : 0) + added > maxTransactionItems || bytes + addedBytes > maxTransactionBytes || releasesFull) close();
    settlements.push(settlement);
    bytes += addedBytes;
    for (const counter of touched) {
      const id = counterId(counter);
      const entry = counters.get(id) ?? { counter, committed: 0, spent: 0, requests: 0, release: [] };
      const held = hold?.counters.some((h) => counterId(h) === id) ?? false;
      entry.committed += record.cost - (held && hold ? hold.amount : 0);
      entry.spent += record.cost;
      entry.requests += 1;
      if (held && hold) entry.release.push(hold.requestId);
      counters.set(id, entry);
    }
    const row = rows.get(rowId) ?? { record, sortKey, sums: { cost: 0, requests: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cached_tokens: 0 } };
    row.sums.cost += record.cost;
    row.sums.requests += 1;
    row.sums.input_tokens += record.inputTokens;
    row.sums.output_tokens += record.outputTokens;
    row.sums.total_tokens += record.totalTokens;
    row.sums.cached_tokens += record.cachedTokens ?? 0;
    rows.set(rowId, row);
  }
  close();
  return transactions;
}

/** About what an `alongside` item (a conditional mark on one item) weighs as JSON. */
const markBytes = 400;

/** About what a counter update weighs as JSON, before the reservations it removes. */
const counterBytes = 600;

function releaseBytes(requestId: string): number {
  return 2 * Buffer.byteLength(requestId) + 60;
}

/** About what a usage row's update weighs as JSON: its text, escaped at worst, and the rest. */
function rowBytes(record: UsageRecord): number {
  let text =
    Buffer.byteLength(record.model) +
    Buffer.byteLength(record.keyId) +
    (record.modelRequested === undefined ? 0 : Buffer.byteLength(record.modelRequested)) +
    (record.userId === undefined ? 0 : Buffer.byteLength(record.userId)) +
    [record.groupId, record.groupName, record.originTitle].reduce((sum, text) => sum + (text === undefined ? 0 : Buffer.byteLength(text)), 0);
  for (const [field, value] of Object.entries(record.extra)) text += Buffer.byteLength(field) + Buffer.byteLength(value) + 20;
  return 2 * text + 800;
}

type RowSums = { cost: number; requests: number; input_tokens: number; output_tokens: number; total_tokens: number; cached_tokens: number };

function counterId(counter: Counter): string {
  return `${counter.owner}\n${counter.period}`;
}

/**
 * `use#<hour>#<digest>`: one row per key, hour, model, user and extra values, model requested,
 * group and calling app when known. A record without the later ones has the identity rows had
 * before they were recorded, so an older row never gains a value only some of its requests had.
 */
function rowSortKey(record: UsageRecord): string {
  return `use#${hourOf(record.at)}#${digestOf(rowIdentity(record))}`;
}

/** The twin's: the same identity, and the key, since every key's rows share the partition. */
function orgRowSortKey(record: UsageRecord): string {
  return `use#${hourOf(record.at)}#${digestOf(JSON.stringify([record.keyId, rowIdentity(record)]))}`;
}

function rowIdentity(record: UsageRecord): string {
  const extra = Object.entries(record.extra).sort(([a], [b]) => a.localeCompare(b));
  const identity: unknown[] = [record.model, record.userId ?? null, extra];
  const later = { group: record.groupId ?? null, group_name: record.groupName ?? null, origin: record.originTitle ?? null };
  const hasLater = Object.values(later).some((value) => value !== null);
  if (record.modelRequested !== undefined || hasLater) identity.push(record.modelRequested ?? null);
  if (hasLater) identity.push(later);
  return JSON.stringify(identity);
}

function digestOf(identity: string): string {
  let digest = recentDigests.get(identity);
  if (digest === undefined) {
    digest = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
    if (recentDigests.size >= 1_000) recentDigests.clear();
    recentDigests.set(identity, digest);
  }
  return digest;
}

/** Most requests repeat a few models and tags: their digests are kept rather than hashed again. */
const recentDigests = new Map<string, string>();

/** Texts a row keeps when its requests had them: attribute name and the record's field. */
const optionalTexts = [
  ['user_id', 'userId'],
  ['model_requested', 'modelRequested'],
  ['group_id', 'groupId'],
  ['group_name', 'groupName'],
  ['origin_title', 'originTitle'],
] as const satisfies readonly (readonly [string, keyof UsageRecord & keyof UsageRow])[];

/** A usage row's update (or its twin's, under the organisation, which also names the key). */
function rowUpdate(tableName: string, key: Item, record: UsageRecord, sums: RowSums): Update {
  const twin = key[pk]?.S === orgUsagePartition;
  const values: Item = {
    ':model': { S: record.model },
    ':extra': { M: Object.fromEntries(Object.entries(record.extra).map(([field, value]) => [field, { S: value }])) },
    ':ttl': number(Math.floor(Date.parse(`${hourOf(record.at)}:00:00Z`) / 1000) + keepSeconds),
    ...Object.fromEntries(Object.entries(sums).map(([name, value]) => [`:${name}`, number(value)])),
    ...(twin ? { ':key': { S: record.keyId } } : {}),
  };
  const sets = ['model = :model', 'extra = :extra', '#ttl = :ttl', ...(twin ? ['key_id = :key'] : [])];
  for (const [attribute, field] of optionalTexts) {
    const value = record[field];
    if (value === undefined) continue;
    values[`:${attribute}`] = { S: value };
    sets.push(`${attribute} = :${attribute}`);
  }
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `ADD ${Object.keys(sums).map((name) => `${name} :${name}`).join(', ')} SET ${sets.join(', ')}`,
    ExpressionAttributeNames: { '#ttl': ttl },
    ExpressionAttributeValues: values,
  };
}

/** `2026-11-23T10`: the UTC hour holding `at` (the last one named is kept: most requests share it). */
export function hourOf(at: number): string {
  const hour = Math.floor(at / 3_600_000);
  if (hour !== lastHour.hour) lastHour = { hour, name: new Date(hour * 3_600_000).toISOString().slice(0, 13) };
  return lastHour.name;
}

let lastHour = { hour: Number.NaN, name: '' };

/** A usage row (or its twin) as read; rows written before a field was recorded read as without it (cached tokens: 0). */
export function rowOf(item: Item): UsageRow {
  const texts = Object.fromEntries(optionalTexts.flatMap(([attribute, field]) => (item[attribute]?.S === undefined ? [] : [[field, item[attribute].S]])));
  return {
    keyId: item.key_id?.S ?? (item[pk]?.S ?? '').slice('key#'.length),
    hour: Date.parse(`${(item[sk]?.S ?? '').slice('use#'.length, 'use#'.length + 13)}:00:00Z`),
    model: item.model?.S ?? '',
    ...texts,
    extra: Object.fromEntries(Object.entries(item.extra?.M ?? {}).map(([field, value]) => [field, value.S ?? ''])),
    requests: Number(item.requests?.N ?? 0),
    cost: Number(item.cost?.N ?? 0),
    inputTokens: Number(item.input_tokens?.N ?? 0),
    outputTokens: Number(item.output_tokens?.N ?? 0),
    totalTokens: Number(item.total_tokens?.N ?? 0),
    cachedTokens: Number(item.cached_tokens?.N ?? 0),
  };
}

/**
 * `req#<request>`: what is known of a request that its reservations can no longer tell.
 * `released`: its reservation was released as expired (its request presumed dead), so a late
 * settlement must add its cost on its own; `settled`: such a late settlement, or a replayed one
 * that held nothing, was written. Made only on those rare paths, never per request.
 */
export function markerKey(requestId: string): Item {
  return { [pk]: { S: `req#${requestId}` }, [sk]: { S: 'req' } };
}

/** Marks a request's reservation as released for having expired (part of the release). */
export function markReleased(tableName: string, requestId: string, now: number): Update {
  return {
    TableName: tableName,
    Key: markerKey(requestId),
    UpdateExpression: 'SET released = :true, #ttl = if_not_exists(#ttl, :ttl)',
    ExpressionAttributeNames: { '#ttl': ttl },
    ExpressionAttributeValues: { ':true': { BOOL: true }, ':ttl': number(Math.floor(now / 1000) + keepSeconds) },
  };
}

/**
 * Marks a request as settled, on condition that it was not already (and, `afterRelease`, that
 * its reservation was released as expired): written with the settlement, so that a settlement
 * no reservation guards is still added once, however often it is retried or replayed.
 */
export function markSettled(tableName: string, record: UsageRecord, { afterRelease }: { afterRelease: boolean }): Update {
  return {
    TableName: tableName,
    Key: markerKey(record.requestId),
    UpdateExpression: 'SET settled = :true, #ttl = if_not_exists(#ttl, :ttl)',
    ConditionExpression: afterRelease ? 'attribute_exists(released) AND attribute_not_exists(settled)' : 'attribute_not_exists(settled)',
    ExpressionAttributeNames: { '#ttl': ttl },
    ExpressionAttributeValues: { ':true': { BOOL: true }, ':ttl': number(Math.floor(record.at / 1000) + keepSeconds) },
  };
}
