import type { Authenticator } from '../../core/auth/authenticator.js';
import type { AnalyticsEngine } from '../../ports/analytics-engine.js';
import type { AlertManagement } from '../alerts/alert-management.js';
import type { ChatProvider } from '../../core/providers/provider.js';
import type { DirectoryStore } from '../../ports/directory-store.js';
import type { KeyStore } from '../../ports/key-store.js';
import type { PolicyStore } from '../../ports/policy-store.js';
import type { UsageStore } from '../../ports/usage-store.js';

/** What the management API needs; built by its Lambda entry or by the local server. */
export interface ManagementDeps {
  authenticator: Authenticator;
  policies: PolicyStore;
  keys: KeyStore;
  usage: UsageStore;
  directory: DirectoryStore;
  /** Webhooks and alerts. */
  alerts: AlertManagement;
  /** Whether the router counts spend per day too (then keys, groups and the org show today's). */
  dailyCounters: boolean;
  /** The region whose spend this management API sees (spend is counted per region). */
  region: string;
  providers: Readonly<Record<string, ChatProvider>>;
  /** The management API holds no provider secrets; present for the shared error path. */
  credentials: Readonly<Record<string, never>>;
  limits: { maxBodyBytes: number };
  /** Where `POST /v1/manage/analytics` runs its SQL: Athena deployed, DuckDB locally; absent, it answers 503. */
  analytics?: AnalyticsEngine;
}
