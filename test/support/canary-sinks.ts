import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A secret planted in a test, and the part of it that is random (and so cannot occur by chance). */
export interface Canary {
  name: string;
  value: string;
  random: string;
}

/** Where a secret can end up: a name for reports and the text to search. */
export interface Sink {
  name: string;
  text: string;
}

export interface CanaryHit {
  canary: string;
  sink: string;
  context: string;
}

/** Pieces this long of a key's random part identify it; shorter ones (a key's shown prefix) do not. */
const pieceLength = 12;

/** Every sink that holds the whole canary, or any 12-character piece of its random part. */
export function canaryHits(canaries: readonly Canary[], sinks: readonly Sink[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const canary of canaries) {
    const pieces = [canary.value];
    for (let start = 0; start + pieceLength <= canary.random.length; start++) pieces.push(canary.random.slice(start, start + pieceLength));
    for (const sink of sinks) {
      const at = pieces.map((piece) => sink.text.indexOf(piece)).find((index) => index >= 0);
      if (at !== undefined) hits.push({ canary: canary.name, sink: sink.name, context: sink.text.slice(Math.max(0, at - 80), at + 80) });
    }
  }
  return hits;
}

/** Every file below `dir`, as text (bytes read as Latin-1, so keys inside binary files show too). */
export function fileSinks(dir: string): Sink[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((relative) => join(dir, relative))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ name: `file ${path}`, text: readFileSync(path).toString('latin1') }));
}

/** Every item of each table, as JSON. */
export async function tableSinks(client: DynamoDBClient, tables: readonly string[]): Promise<Sink[]> {
  const sinks: Sink[] = [];
  for (const table of tables) {
    for await (const page of paginateScan({ client }, { TableName: table })) {
      for (const item of page.Items ?? []) sinks.push({ name: `item of ${table}`, text: JSON.stringify(item) });
    }
  }
  return sinks;
}
