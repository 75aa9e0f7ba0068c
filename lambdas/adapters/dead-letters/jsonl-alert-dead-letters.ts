import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AlertDeadLetter, AlertDeadLetters, WaitingEvent } from '../../ports/alert-dead-letters.js';
import { decodeAlertLetter, encodeAlertLetter, waitsFor } from './alert-dead-letter-codec.js';

/**
 * Alert dead letters in a JSON-lines file (locally: `<data folder>/dead-letters/alerts.jsonl`),
 * each appended and synced before `put` resolves. One process owns the file: its puts and
 * replays take turns, and a replay rewrites the file without what it removed.
 */
export class JsonlAlertDeadLetters implements AlertDeadLetters {
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  get description(): string {
    return this.path;
  }

  async put(letter: AlertDeadLetter): Promise<void> {
    const done = await this.myTurn();
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const file = await open(this.path, 'a');
      try {
        await file.appendFile(`${encodeAlertLetter(letter)}\n`);
        await file.datasync();
      } finally {
        await file.close();
      }
    } finally {
      done();
    }
  }

  async *waiting(webhookId: string): AsyncGenerator<WaitingEvent> {
    const done = await this.myTurn();
    try {
      const text = await readFile(this.path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)));
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      const removed = new Set<number>();
      try {
        for (const [index, line] of lines.entries()) {
          let letter: AlertDeadLetter;
          try {
            letter = decodeAlertLetter(line);
          } catch {
            continue;
          }
          if (waitsFor(letter.event, webhookId)) yield { event: letter.event, remove: async () => void removed.add(index) };
        }
      } finally {
        if (removed.size > 0) {
          const kept = lines.filter((_, index) => !removed.has(index));
          await writeFile(`${this.path}.tmp`, kept.map((line) => `${line}\n`).join(''));
          await rename(`${this.path}.tmp`, this.path);
        }
      }
    } finally {
      done();
    }
  }

  /** Waits for the previous put or replay to end; resolves with the function that ends this one. */
  private async myTurn(): Promise<() => void> {
    let done = () => undefined as void;
    const previous = this.turn;
    this.turn = new Promise((resolve) => (done = resolve));
    await previous;
    return done;
  }
}
