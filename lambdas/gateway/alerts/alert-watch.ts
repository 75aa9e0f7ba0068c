import type { Account } from '../../core/accounting/account.js';
import { alertEventId, type AlertEvent } from '../../core/alerts/alert-event.js';
import { renderAlertPayload } from '../../core/alerts/alert-payload.js';
import type { AlertRule } from '../../core/alerts/alert-rules.js';
import { applicableAlerts, crossedAlerts, markerId, spendCounters, spendSubjects, type Crossing, type SpendSubjects, type Spends } from '../../core/alerts/crossed-alerts.js';
import type { AlertMarkers } from '../../ports/alert-markers.js';
import type { AlertPublisher } from '../../ports/alert-publisher.js';
import type { Clock } from '../../ports/clock.js';
import type { Counter, UsageStore } from '../../ports/usage-store.js';

/** A request whose usage was settled: whose spend moved. */
export interface SettledSpend {
  account: Account;
  /** Epoch ms the request arrived (its billing month). */
  at: number;
  userId: string | undefined;
}

/** Spend alerts, as accounting sees them: told of each settlement, evaluated off the request's time. */
export interface AlertWatch {
  /** Notes a settled request; never throws, never waits. */
  settled(spend: SettledSpend): void;
  /** The same, for a request known by its subjects (the usage fold's, recorded by the router). */
  noted(subjects: SpendSubjects): void;
  /** Evaluates what waits and waits for the announcements to be sent; never rejects. */
  flush(): Promise<void>;
}

export interface AlertWatchDeps {
  /** The organisation's alerts (cached by the caller). */
  rules: () => Promise<AlertRule[]>;
  usage: Pick<UsageStore, 'flush' | 'totals'>;
  markers: AlertMarkers;
  /** The user ids of a group's admins, for group alerts. */
  groupAdmins: (groupId: string) => Promise<string[]>;
  publisher: AlertPublisher;
  clock: Clock;
  region: string;
  /**
   * `after-response`: evaluated when `flush` is called (on Lambda, once the response has
   * ended); `background`: as soon as the process is free (a long-running server).
   */
  timing: 'after-response' | 'background';
  log: (line: string) => void;
}

/** How long, and how many, markers the process remembers as claimed (by itself or another), sparing their conditional writes. */
const rememberClaimedMs = 3_600_000;
const maxRemembered = 10_000;

/**
 * Evaluates the alerts of settled requests: reads the settled totals of the counters they
 * moved (once for all requests waiting), finds the alerts at or past their thresholds, claims
 * each crossing's marker (one conditional write: of all processes seeing a crossing, one
 * announces it) and publishes the announcements. An announcement that cannot be published
 * gives its marker back, so a later settlement announces it. Nothing here can fail a request.
 */
export class SpendAlertWatch implements AlertWatch {
  private pending: SpendSubjects[] = [];
  private draining: Promise<void> | undefined;
  /** Marker id → when this process learnt it was claimed (oldest first). */
  private readonly claimed = new Map<string, number>();

  constructor(private readonly deps: AlertWatchDeps) {}

  settled(spend: SettledSpend): void {
    this.noted(spendSubjects(spend.account, spend.at, this.deps.region, spend.userId));
  }

  noted(subjects: SpendSubjects): void {
    this.pending.push(subjects);
    if (this.deps.timing === 'background') void this.drain();
  }

  async flush(): Promise<void> {
    while (this.draining || this.pending.length > 0) await this.drain();
    await this.deps.publisher.flush();
  }

  private drain(): Promise<void> {
    this.draining ??= (async () => {
      // Let settlements finishing together join one evaluation.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) await this.evaluate(this.pending.splice(0));
    })().finally(() => {
      this.draining = undefined;
      if (this.pending.length > 0 && this.deps.timing === 'background') void this.drain();
    });
    return this.draining;
  }

  private async evaluate(batch: readonly SpendSubjects[]): Promise<void> {
    try {
      const rules = await this.deps.rules();
      // The latest view of each key and user: several requests of one key read the same counters.
      const latest = new Map(batch.map((subjects) => [`${subjects.key.id}\n${subjects.userId ?? ''}`, subjects]));
      const watched = [...latest.values()].filter((subjects) => applicableAlerts(rules, subjects).length > 0);
      if (watched.length === 0) return;
      // Locally usage is written in batches: what the batch settled must be in the totals.
      await this.deps.usage.flush();
      const spends = await this.spendsOf(watched);
      const now = this.deps.clock.now();
      const crossings = new Map<string, Crossing>();
      watched.forEach((subjects, index) => {
        for (const crossing of crossedAlerts(rules, subjects, spends[index] as Spends)) crossings.set(markerId(crossing.marker), crossing);
      });
      const fresh = [...crossings].filter(([id]) => !this.knownClaimed(id, now));
      const won = await Promise.all(fresh.map(([id, crossing]) => this.claim(id, crossing, now)));
      const announcements = await Promise.all(fresh.filter((_, index) => won[index]).map(([id, crossing]) => this.announcement(id, crossing, now)));
      if (announcements.length === 0) return;
      const failed = new Set((await this.deps.publisher.publish(announcements.map((entry) => entry.event))).map((event) => event.id));
      await Promise.all(announcements.filter((entry) => failed.has(entry.event.id)).map((entry) => this.giveBack(entry)));
    } catch (error) {
      this.deps.log(JSON.stringify({ level: 'error', msg: 'spend alerts not evaluated', error: error instanceof Error ? error.message : String(error) }));
    }
  }

  private async spendsOf(watched: readonly SpendSubjects[]): Promise<Spends[]> {
    const wanted = watched.map(spendCounters);
    const unique = new Map<string, Counter>();
    for (const counters of wanted) for (const counter of Object.values(counters)) unique.set(counterId(counter), counter);
    const totals = await this.deps.usage.totals([...unique.values()]);
    const spent = new Map([...unique.keys()].map((id, index) => [id, totals[index]?.spent ?? 0]));
    return wanted.map((counters) => {
      const of = (name: keyof Spends) => {
        const counter = counters[name];
        return counter ? (spent.get(counterId(counter)) ?? 0) : 0;
      };
      return { key: of('key'), group: of('group'), org: of('org'), orgEver: of('orgEver'), user: of('user'), userInGroup: of('userInGroup') };
    });
  }

  /** True when this process won the crossing; a claim that failed is tried again by a later settlement. */
  private async claim(id: string, crossing: Crossing, now: number): Promise<boolean> {
    try {
      const won = await this.deps.markers.claim(crossing.marker, alertEventId(crossing.marker), now);
      this.claimed.delete(id);
      if (this.claimed.size >= maxRemembered) this.claimed.delete(this.claimed.keys().next().value ?? '');
      this.claimed.set(id, now);
      return won;
    } catch (error) {
      this.deps.log(JSON.stringify({ level: 'error', msg: 'alert crossing not recorded', alert: crossing.rule.id, error: String(error) }));
      return false;
    }
  }

  private knownClaimed(id: string, now: number): boolean {
    const at = this.claimed.get(id);
    return at !== undefined && now - at < rememberClaimedMs;
  }

  private async announcement(id: string, crossing: Crossing, now: number): Promise<{ id: string; crossing: Crossing; event: AlertEvent }> {
    const group = crossing.subjects.group;
    const groupAdmins =
      crossing.rule.type === 'group.budget.exceeded_percent' && group
        ? await this.deps.groupAdmins(group.id).catch((error: unknown) => {
            this.deps.log(JSON.stringify({ level: 'warn', msg: 'group admins not read for an alert', group: group.id, error: String(error) }));
            return [];
          })
        : undefined;
    const payload = renderAlertPayload(crossing, groupAdmins ? { groupAdmins } : {});
    return { id, crossing, event: { id: alertEventId(crossing.marker), occurred_at: new Date(now).toISOString(), payload } };
  }

  private async giveBack({ id, crossing, event }: { id: string; crossing: Crossing; event: AlertEvent }): Promise<void> {
    this.claimed.delete(id);
    await this.deps.markers.release(crossing.marker, event.id).catch((error: unknown) => {
      this.deps.log(JSON.stringify({ level: 'error', msg: 'alert crossing neither announced nor given back', alert: crossing.rule.id, error: String(error) }));
    });
  }
}

function counterId(counter: Counter): string {
  return `${counter.owner}\n${counter.period}`;
}
