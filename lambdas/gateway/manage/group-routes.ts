import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GatewayError } from '../../core/errors.js';
import type { GroupChanges, GroupMember, GroupRecord } from '../../ports/directory-store.js';
import { jsonResponse, type GatewayRequest } from '../gateway-http.js';
import { parseBody } from '../parse-body.js';
import type { RouteTable } from '../route-request.js';
import type { ManagementDeps } from './management-deps.js';
import { authorizeManagement, maxIdLength, parseQuery, pathId } from './management-request.js';
import { checkModelList, currentSpends, dollarsOrNull, limitMicros, listQuerySchema, modelListSchema, monthlyLimitSchema, toMicros, type SpendView } from './management-schemas.js';

const nameSchema = z.string().min(1).max(128);
const descriptionSchema = z.string().max(1024);
const roleSchema = z.enum(['admin', 'member']);
const userIdSchema = z.string().min(1).max(maxIdLength.member);

const createGroupSchema = z
  .object({
    name: nameSchema,
    description: descriptionSchema.optional(),
    monthly_limit: monthlyLimitSchema.optional(),
    models: modelListSchema.optional(),
  })
  .strict();

/**
 * Groups and their members: `/v1/manage/group[/<id>[/limit|/models|/member[/<user_id>]]]`,
 * documented in the README; Requesty's shapes are answered alongside ours. A group's budget caps the spend of its keys together; its models
 * add to the organisation's approved ones for its keys.
 */
export const groupRoutes: RouteTable<ManagementDeps> = {
  '/v1/manage/group': {
    GET: async (request, deps) => {
      await authorizeManagement(request, deps);
      const query = parseQuery(request.query, listQuerySchema);
      const page = await deps.directory.listGroups(query.limit, query.cursor);
      const spends = await currentSpends(page.groups.map((group) => `group#${group.id}`), deps);
      const data = page.groups.map((group, index) => publicGroup(group, spends[index]));
      // `groups`: the same list under Requesty's name.
      return jsonResponse(200, { data, groups: data, next_cursor: page.nextCursor ?? null });
    },
    POST: async (request, deps) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, createGroupSchema);
      const group: GroupRecord = {
        id: `grp_${randomUUID().replaceAll('-', '')}`,
        name: body.name,
        description: body.description ?? '',
        models: checkModelList(body.models ?? [], deps, 'models'),
        createdAt: Date.now(),
        ...(body.monthly_limit == null ? {} : { monthlyLimit: toMicros(body.monthly_limit) }),
      };
      await deps.directory.createGroup(group);
      // `group_id`: the id as Requesty's create answers it.
      return jsonResponse(201, { ...(await shownGroup(deps, group)), members: [], group_id: group.id });
    },
  },
  '/v1/manage/group/:id': {
    GET: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const group = await existing(deps, id);
      return jsonResponse(200, { ...(await shownGroup(deps, group)), members: (await deps.directory.members(id)).map(publicMember) });
    },
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, z.object({ name: nameSchema.optional(), description: descriptionSchema.optional() }).strict());
      return updated(deps, id, body);
    },
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      await existing(deps, id);
      if (await deps.keys.anyInGroup(id)) {
        throw new GatewayError(409, 'group_in_use', `Group "${id}" still has API keys; move or delete them first.`, { param: 'id' });
      }
      await deps.directory.deleteGroup(id);
      return jsonResponse(200, { id, deleted: true });
    },
  },
  '/v1/manage/group/:id/limit': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { monthly_limit: limit } = parseBody(request.body, z.object({ monthly_limit: monthlyLimitSchema }).strict());
      return updated(deps, id, { monthlyLimit: limitMicros(limit) });
    },
  },
  '/v1/manage/group/:id/models': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { models } = parseBody(request.body, z.object({ models: modelListSchema }).strict());
      return updated(deps, id, { models: checkModelList(models, deps, 'models') });
    },
  },
  '/v1/manage/group/:id/member': {
    POST: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const body = parseBody(request.body, z.object({ user_id: userIdSchema, role: roleSchema.default('member') }).strict());
      await existing(deps, id);
      const member: GroupMember = { userId: body.user_id, role: body.role, addedAt: Date.now() };
      if (!(await deps.directory.addMember(id, member))) {
        throw new GatewayError(409, 'member_exists', `${body.user_id} is a member of this group already; update the role instead.`, {
          param: 'user_id',
        });
      }
      return jsonResponse(201, publicMember(member));
    },
    // The member named in the body, as REST clients written for Requesty's member pages send it.
    PUT: updateMemberNamedInBody,
    PATCH: updateMemberNamedInBody,
    DELETE: async (request, deps, { id = '' }) => {
      await authorizeManagement(request, deps);
      const { user_id: userId } = parseBody(request.body, z.object({ user_id: userIdSchema }).strict());
      return removeMember(deps, id, userId);
    },
  },
  '/v1/manage/group/:id/member/:userId': {
    POST: updateMemberInPath,
    PUT: updateMemberInPath,
    PATCH: updateMemberInPath,
    DELETE: async (request, deps, { id = '', userId = '' }) => {
      await authorizeManagement(request, deps);
      return removeMember(deps, id, userId);
    },
  },
};

async function updateMemberInPath(request: GatewayRequest, deps: ManagementDeps, { id = '', userId = '' }: Readonly<Record<string, string>>) {
  await authorizeManagement(request, deps);
  const { role } = parseBody(request.body, z.object({ role: roleSchema }).strict());
  return updateMember(deps, id, userId, role);
}

async function updateMemberNamedInBody(request: GatewayRequest, deps: ManagementDeps, { id = '' }: Readonly<Record<string, string>>) {
  await authorizeManagement(request, deps);
  const { user_id: userId, role } = parseBody(request.body, z.object({ user_id: userIdSchema, role: roleSchema }).strict());
  return updateMember(deps, id, userId, role);
}

async function updateMember(deps: ManagementDeps, groupId: string, userId: string, role: GroupMember['role']) {
  const member = await deps.directory.updateMember(...memberPath(groupId, userId), role);
  if (!member) throw memberNotFound(groupId, userId);
  return jsonResponse(200, publicMember(member));
}

async function removeMember(deps: ManagementDeps, groupId: string, userId: string) {
  if (!(await deps.directory.removeMember(...memberPath(groupId, userId)))) throw memberNotFound(groupId, userId);
  return jsonResponse(200, { group_id: groupId, user_id: userId, deleted: true });
}

function publicGroup(group: GroupRecord, spend: SpendView | undefined) {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    monthly_limit: dollarsOrNull(group.monthlyLimit),
    ...spend,
    models: group.models,
    created_at: new Date(group.createdAt).toISOString(),
  };
}

async function shownGroup(deps: ManagementDeps, group: GroupRecord) {
  const [spend] = await currentSpends([`group#${group.id}`], deps);
  return publicGroup(group, spend);
}

function publicMember(member: GroupMember) {
  return { user_id: member.userId, role: member.role, added_at: new Date(member.addedAt).toISOString() };
}

async function existing(deps: ManagementDeps, id: string): Promise<GroupRecord> {
  const group = await deps.directory.group(pathId(id, maxIdLength.group, notFound));
  if (!group) throw notFound(id);
  return group;
}

async function updated(deps: ManagementDeps, id: string, changes: GroupChanges) {
  const group = await deps.directory.updateGroup(pathId(id, maxIdLength.group, notFound), changes);
  if (!group) throw notFound(id);
  return jsonResponse(200, await shownGroup(deps, group));
}

function notFound(id: string): GatewayError {
  return new GatewayError(404, 'group_not_found', `No group with id "${id}".`, { param: 'id' });
}

function memberPath(groupId: string, userId: string): [string, string] {
  const missing = () => memberNotFound(groupId, userId);
  return [pathId(groupId, maxIdLength.group, missing), pathId(userId, maxIdLength.member, missing)];
}

function memberNotFound(groupId: string, userId: string): GatewayError {
  return new GatewayError(404, 'member_not_found', `${userId} is not a member of group "${groupId}".`, { param: 'user_id' });
}
