/**
 * The organisation and its groups: who may spend how much on which models. Money is in integer
 * micro-dollars; an absent limit means no limit.
 */
export interface OrgSettings {
  name: string;
  /** Cap on the organisation's spend per calendar month. */
  monthlyLimit?: number;
  /** Monthly limit given to new API keys created without one. */
  defaultKeyLimit?: number;
  /**
   * Prepaid budget per region (spend is counted in the region that served it), as a cap on that
   * region's all-time spend: the balance is this minus what was spent. Topping up raises it.
   */
  prepaidLimits?: Record<string, number>;
  /** Models every key may call (`provider/model` or `provider/*`); absent means every model. */
  approvedModels?: string[];
  /** Bare model names (`claude-sonnet-4-5`, `fast`) → `provider/model` or `policy/<name>`. */
  modelAliases?: Record<string, string>;
}

export type OrgChanges = { [K in keyof OrgSettings]?: OrgSettings[K] | null };

export type MemberRole = 'admin' | 'member';

export interface GroupRecord {
  id: string;
  name: string;
  description: string;
  /** Cap on the spend of the group's keys together, per calendar month. */
  monthlyLimit?: number;
  /** Models the group's keys may call besides the organisation's approved ones. */
  models: string[];
  createdAt: number;
}

export type GroupChanges = { monthlyLimit?: number | null; models?: string[]; name?: string; description?: string };

export interface GroupMember {
  userId: string;
  role: MemberRole;
  addedAt: number;
}

export interface GroupPage {
  groups: GroupRecord[];
  nextCursor: string | undefined;
}

export interface DirectoryStore {
  /** The organisation's settings; defaults when none were ever stored. */
  org(): Promise<OrgSettings>;
  /** Applies the changes `change` makes of the current settings (read again if another edit came between). */
  updateOrg(change: (current: OrgSettings) => OrgChanges): Promise<OrgSettings>;
  listGroups(limit: number, cursor: string | undefined): Promise<GroupPage>;
  group(id: string): Promise<GroupRecord | undefined>;
  createGroup(group: GroupRecord): Promise<void>;
  /** Resolves with the updated group, or undefined when there is none. */
  updateGroup(id: string, changes: GroupChanges): Promise<GroupRecord | undefined>;
  /** Removes the group and its members; false when there was none. */
  deleteGroup(id: string): Promise<boolean>;
  members(groupId: string): Promise<GroupMember[]>;
  /** False when the user is a member already. */
  addMember(groupId: string, member: GroupMember): Promise<boolean>;
  /** Undefined when the user is not a member. */
  updateMember(groupId: string, userId: string, role: MemberRole): Promise<GroupMember | undefined>;
  removeMember(groupId: string, userId: string): Promise<boolean>;
}

export const defaultOrgName = 'Switchboard';
