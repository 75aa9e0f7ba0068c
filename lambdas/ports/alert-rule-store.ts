import type { AlertRule } from '../core/alerts/alert-rules.js';

/** The organisation's alerts (thresholds), kept with the directory. */
export interface AlertRuleStore {
  list(): Promise<AlertRule[]>;
  create(rule: AlertRule): Promise<void>;
  /** False when there was no such alert. */
  delete(id: string): Promise<boolean>;
}
