/** The management API's answers as the console reads them (README: Management API). */
export interface ApiKey {
  id: string;
  name: string;
  key_prefix: string;
  group_id: string | null;
  monthly_limit: number | null;
  spend: number;
  labels: Record<string, string>;
  expires_at: string | null;
  disabled: boolean;
  created_at: string;
}

export interface Page<T> {
  data: T[];
  next_cursor?: string | null;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  monthly_limit: number | null;
  spend: number;
  models: string[];
  members?: { user_id: string; role: string; added_at: string }[];
}

export interface Organisation {
  name: string | null;
  balance: number | null;
  monthly_limit: number | null;
  spend: number;
  period_start: string;
  period_end: string;
  total_spend: number;
  default_key_limit: number | null;
  approved_models: string[] | null;
}

export interface PolicyModel {
  model: string;
  retries?: number;
  weight?: number;
}

export interface Policy {
  name: string;
  type: 'fallback' | 'load_balancing' | 'latency';
  models: PolicyModel[];
  api_key_id?: string | null;
}

export interface Delivery {
  delivery_id: string;
  event_type: string;
  status: 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  error: string | null;
  at: string;
}

export interface Webhook {
  id: string;
  url: string;
  type: 'json' | 'slack';
  description: string | null;
  created_at: string;
  last_delivery: Delivery | null;
  secret?: string;
}

export interface Alert {
  id: string;
  type: string;
  threshold: number | string;
  key_id: string | null;
  group_id: string | null;
  description: string | null;
  created_at: string;
}

export interface Model {
  id: string;
  type: 'chat' | 'embedding';
  context_window: number | null;
  max_output_tokens: number | null;
  capabilities: Record<string, boolean>;
  pricing: { input?: number; output?: number; cache_read?: number; cache_write?: number } | null;
  regions: string[];
}

export type AnalyticsRow = Record<string, string | number | null>;
export interface AnalyticsAnswer {
  rows: AnalyticsRow[];
  truncated: boolean;
}

export interface UsagePeriod {
  spend: number;
  requests: number;
  total_tokens: number;
}
