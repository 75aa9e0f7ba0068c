import type { GroupRecord, OrgSettings } from '../../ports/directory-store.js';
import type { ApiKeyRecord } from '../../ports/key-store.js';

/** Who a request is billed to and what they may use: the key, its group, the organisation. */
export interface Account {
  key: ApiKeyRecord;
  group: GroupRecord | undefined;
  org: OrgSettings;
}
