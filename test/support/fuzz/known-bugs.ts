/**
 * Inputs that reach a failure already known and owned elsewhere. The fuzz test leaves them out
 * so that it guards everything else; `npm run fuzz -- --include-known-bugs` sends them too.
 * Remove an entry once its fix lands.
 */
export interface KnownBug {
  id: string;
  where: string;
  trips: (request: { path: string; value: unknown }) => boolean;
}

const requestyNameLength = 64;
const requestyValueLength = 256;
const modelIdLength = 256;

export const knownBugs: readonly KnownBug[] = [
  {
    // Issue 18, point 2: `requesty` names and values, and model ids, are to be bounded with 400s.
    // Until then an odd `requesty` can poison settlement, and a served model id with a character
    // outside Latin-1 (`openai/te\uFFFDt`) crashes the local server: ERR_INVALID_CHAR writing x-switchboard-model.
    id: 'requesty-and-model-bounds',
    where: 'lambdas/core/schemas (requesty extension, model ids)',
    trips: ({ value }) => isObject(value) && (outsideRequestyBounds(value.requesty) || outsideModelIdBounds(value)),
  },
  {
    // The mock provider builds a vector of `dimensions` numbers whatever its size: 500 (RangeError) or seconds of CPU.
    id: 'mock-embedding-dimensions-unbounded',
    where: 'lambdas/core/providers/mock/mock-provider.ts (mockEmbedding)',
    trips: ({ path, value }) => path.includes('/v1/embeddings') && isObject(value) && typeof value.dimensions === 'number' && value.dimensions > 4096,
  },
  {
    // A cursor that is base64 JSON but not a key this API handed out reaches DynamoDB: ValidationException, 500.
    id: 'forged-list-cursor',
    where: 'lambdas/adapters/dynamodb/dynamodb-cursor.ts (decodeCursor)',
    trips: ({ path }) => /[?&]cursor=[^&]/.test(path),
  },
];

export function knownBugOf(request: { path: string; value: unknown }): KnownBug | undefined {
  return knownBugs.find((bug) => bug.trips(request));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Printable ASCII only, as the planned bound has it: a served model's id goes into a response header. */
function outsideModelIdBounds(body: Record<string, unknown>): boolean {
  const ids = [body.model, ...(Array.isArray(body.models) ? body.models.map((entry: unknown) => (isObject(entry) ? entry.model : entry)) : [])];
  return ids.some((id) => typeof id === 'string' && (id.length > modelIdLength || /[^\x20-\x7e]/.test(id)));
}

/** Anything but the scalar, bounded fields Requesty's extension is to be limited to. */
function outsideRequestyBounds(requesty: unknown): boolean {
  // Not an object at all: the schema refuses it.
  if (!isObject(requesty)) return false;
  return Object.entries(requesty).some(([name, value]) => {
    if (name === 'extra') return !isObject(value) || Object.entries(value).some(([key, item]) => !boundedName(key) || !boundedScalar(item));
    if (name === 'tags') return !Array.isArray(value) || value.some((tag) => !boundedScalar(tag));
    return !boundedScalar(value);
  });
}

function boundedName(name: string): boolean {
  return name.length > 0 && name.length <= requestyNameLength;
}

function boundedScalar(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= requestyValueLength;
  return value === null || typeof value === 'number' || typeof value === 'boolean';
}
