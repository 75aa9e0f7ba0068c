import fc from 'fast-check';
import { hostileString } from './fuzz-values.js';

/** A body with the content type it travels with (`null`: no content-type header at all). */
export interface FormBody {
  shape: string;
  bytes: Buffer;
  contentType: string | null;
  /** What was broken in a valid form, in words. */
  changes?: string[];
}

/** One part of a multipart/form-data body, as a client means it. */
export interface FormPart {
  name: string;
  /** A file part has one; without it, the part is a plain field. */
  filename?: string;
  type?: string;
  data: Buffer;
}

/**
 * A form as it goes on the wire: its header lines per part are kept raw, so that mutations can
 * break them the ways hand-written clients and attackers do.
 */
interface Draft {
  contentType: string | null;
  /** The boundary the body is written with (the content type may name another one). */
  boundary: string;
  eol: string;
  preamble: string;
  /** Header lines: text (written as UTF-8), or bytes as they are, for what UTF-8 cannot say. */
  parts: Array<{ headers: Array<string | Buffer>; data: Buffer }>;
  /** What follows the last part: the closing delimiter, or less. */
  ending: string;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Content-Disposition as browsers and the OpenAI SDK write it. */
function disposition(part: FormPart): string {
  return `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
}

function draftOf(parts: readonly FormPart[], boundary: string): Draft {
  return {
    // RFC 2046 allows these characters in a boundary; a header parameter holding them is quoted.
    contentType: `multipart/form-data; boundary=${/[()<>@,;:\\"/[\]?=\s]/.test(boundary) ? `"${boundary}"` : boundary}`,
    boundary,
    eol: '\r\n',
    preamble: '',
    parts: parts.map((part) => ({ headers: [disposition(part), ...(part.type === undefined ? [] : [`Content-Type: ${part.type}`])], data: part.data })),
    ending: `--${boundary}--\r\n`,
  };
}

/** The bytes of a draft: `--boundary`, headers, a blank line and the data, per part, then the ending. */
function encode(draft: Draft): Buffer {
  const { eol } = draft;
  const chunks: Buffer[] = [utf8(draft.preamble)];
  for (const part of draft.parts) {
    chunks.push(utf8(`--${draft.boundary}${eol}`), ...part.headers.flatMap((line) => [typeof line === 'string' ? utf8(line) : line, utf8(eol)]), utf8(eol), part.data, utf8(eol));
  }
  chunks.push(utf8(draft.ending));
  return Buffer.concat(chunks);
}

/** One change to a well-formed form; `label` says which in a failure's report. */
interface FormChange {
  label: string;
  apply: (draft: Draft) => Draft;
}

const change = (label: string, apply: (draft: Draft) => Draft): FormChange => ({ label, apply });

const withContentType = (contentType: string | null) => change(`content-type ${contentType === null ? 'none' : JSON.stringify(contentType.slice(0, 60))}`, (draft) => ({ ...draft, contentType }));

/** What an undici client lets through in a header value. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });

/** The form's own content type broken: no boundary, two, one the body does not use, or not a form at all. */
const contentTypeChanges: fc.Arbitrary<FormChange> = fc.oneof(
  fc.constantFrom(
    withContentType(null),
    withContentType('application/json'),
    withContentType('application/x-www-form-urlencoded'),
    withContentType('text/plain'),
    withContentType('multipart/form-data'),
    withContentType('multipart/form-data;'),
    withContentType('multipart/form-data; boundary='),
    withContentType('multipart/form-data; boundary=""'),
    withContentType('multipart/mixed; boundary=fuzzboundary'),
    withContentType(`multipart/form-data; boundary=${'b'.repeat(71)}`),
    withContentType(`multipart/form-data; boundary=${'b'.repeat(100_000)}`),
    change('boundary not in the body', (draft) => ({ ...draft, contentType: 'multipart/form-data; boundary=not-the-one' })),
    change('two boundaries', (draft) => ({ ...draft, contentType: `multipart/form-data; boundary=other; boundary=${draft.boundary}` })),
    change('two boundaries, the right one first', (draft) => ({ ...draft, contentType: `multipart/form-data; boundary=${draft.boundary}; boundary=other` })),
    change('quoted boundary', (draft) => ({ ...draft, contentType: `multipart/form-data; boundary="${draft.boundary}"` })),
    change('upper-case content type', (draft) => ({ ...draft, contentType: `MULTIPART/FORM-DATA; BOUNDARY=${draft.boundary}` })),
    change('charset before the boundary', (draft) => ({ ...draft, contentType: `multipart/form-data; charset=latin1; boundary=${draft.boundary}` })),
  ),
  headerText.map((text) => withContentType(`multipart/form-data; boundary=${text}`)),
);

/** The framing broken: the closing delimiter, line endings, what surrounds the parts. */
const framingChanges: fc.Arbitrary<FormChange> = fc.constantFrom(
  change('no closing delimiter', (draft) => ({ ...draft, ending: '' })),
  change('closing delimiter cut', (draft) => ({ ...draft, ending: `--${draft.boundary}-` })),
  change('closing delimiter without its dashes', (draft) => ({ ...draft, ending: `--${draft.boundary}\r\n` })),
  change('closing delimiter without a line end', (draft) => ({ ...draft, ending: `--${draft.boundary}--` })),
  change('LF line endings', (draft) => ({ ...draft, eol: '\n', ending: draft.ending.replace('\r\n', '\n') })),
  change('CR line endings', (draft) => ({ ...draft, eol: '\r', ending: draft.ending.replace('\r\n', '\r') })),
  change('a preamble and an epilogue', (draft) => ({ ...draft, preamble: 'This is a preamble.\r\n', ending: `${draft.ending}epilogue --${draft.boundary}--\r\n` })),
  change('no parts', (draft) => ({ ...draft, parts: [] })),
  change('the boundary inside the file', (draft) => ({ ...draft, parts: draft.parts.map((part) => ({ ...part, data: Buffer.concat([part.data, utf8(`\r\n--${draft.boundary}\r\n`), part.data]) })) })),
  change('the boundary written without its dashes', (draft) => ({ ...draft, boundary: draft.boundary.slice(2) })),
  change('a body of closing delimiters', (draft) => ({ ...draft, parts: [], ending: `--${draft.boundary}--\r\n`.repeat(10_000) })),
);

/** Parts broken or bent: their headers, names, file names, bytes and numbers. */
function partChanges(index: number): fc.Arbitrary<FormChange> {
  type Part = Draft['parts'][number];
  /** The part at `index` (modulo their number) becomes what `edit` returns: itself changed, none, or more. */
  const at = (label: string, into: (part: Part) => Part | Part[]) =>
    change(`${label} (part ${index})`, (draft) => {
      const target = index % Math.max(1, draft.parts.length);
      return { ...draft, parts: draft.parts.flatMap((part, i) => (i === target ? into(part) : [part])) };
    });
  /** The part with each of its text header lines edited. */
  const edit = (part: Part, line: (text: string) => string): Part => ({ ...part, headers: part.headers.map((each) => (typeof each === 'string' ? line(each) : each)) });
  const rename = (name: string) => (part: Part) => edit(part, (line) => line.replace(/name="[^"]*"/, `name="${name}"`));
  return fc.oneof(
    fc.constantFrom(
      at('no headers', (part) => ({ ...part, headers: [] })),
      at('no Content-Disposition', (part) => ({ ...part, headers: part.headers.filter((line) => !line.toString().startsWith('Content-Disposition')) })),
      at('Content-Disposition without a name', (part) => edit(part, (line) => line.replace(/; name="[^"]*"/, ''))),
      at('attachment, not form-data', (part) => edit(part, (line) => line.replace('form-data', 'attachment'))),
      at('no file name', (part) => edit(part, (line) => line.replace(/; filename="[^"]*"/, ''))),
      at('a file name on a field', (part) => edit(part, (line) => (line.includes('filename') ? line : line.replace(/^Content-Disposition: .*$/, `${line}; filename="x.txt"`)))),
      at('an empty file name', (part) => edit(part, (line) => line.replace(/filename="[^"]*"/, 'filename=""'))),
      at('a file name with a path', (part) => edit(part, (line) => line.replace(/filename="[^"]*"/, 'filename="../../etc/passwd"'))),
      at('an RFC 5987 file name', (part) => edit(part, (line) => line.replace(/filename="[^"]*"/, "filename*=UTF-8''%E2%82%AC%20rates.mp3"))),
      at('a quote in the name', rename('fi\\"le')),
      at('an unquoted name', (part) => edit(part, (line) => line.replace(/name="([^"]*)"/, 'name=$1'))),
      at('a name of 100,000 characters', rename('n'.repeat(100_000))),
      at('an empty name', rename('')),
      at('a name that is not UTF-8', (part) => ({
        ...part,
        headers: part.headers.map((line) => {
          const name = typeof line === 'string' ? /; name="[^"]*"/.exec(line) : null;
          if (typeof line !== 'string' || !name) return line;
          return Buffer.concat([utf8(line.slice(0, name.index)), utf8('; name="'), Buffer.from([0xff, 0xc3, 0x28]), utf8(`"${line.slice(name.index + name[0].length)}`)]);
        }),
      })),
      at('data that is not UTF-8', (part) => ({ ...part, data: Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00]) })),
      at('empty data', (part) => ({ ...part, data: Buffer.alloc(0) })),
      at('data of a million bytes', (part) => ({ ...part, data: Buffer.alloc(1_000_000, 0x61) })),
      at('base64 transfer encoding', (part) => ({ ...part, headers: [...part.headers, 'Content-Transfer-Encoding: base64'], data: utf8(part.data.toString('base64')) })),
      at('a folded header', (part) => edit(part, (line) => line.replace('; name=', ';\r\n name='))),
      at('a header without a colon', (part) => ({ ...part, headers: ['Not a header', ...part.headers] })),
      at('a header of 100,000 characters', (part) => ({ ...part, headers: [...part.headers, `X-Long: ${'h'.repeat(100_000)}`] })),
      at('a thousand headers', (part) => ({ ...part, headers: [...part.headers, ...Array.from({ length: 1_000 }, (_, i) => `X-H${i}: v`)] })),
      at('a content type that is not one', (part) => ({ ...part, headers: [...part.headers.filter((line) => !line.toString().startsWith('Content-Type')), 'Content-Type: ;;;'] })),
      at('removed', () => []),
      at('given twice', (part) => [part, part]),
    ),
    hostileString.map((text) => at('data replaced', (part) => ({ ...part, data: utf8(text) }))),
    hostileString.filter((text) => !text.includes('"')).map((text) => at('renamed', rename(text))),
  );
}

/** Fields added: repeated, unknown, oversized, or many. */
const addedParts: fc.Arbitrary<FormChange> = fc
  .oneof(
    fc.tuple(fc.constantFrom('model', 'file', 'response_format', 'stream', 'temperature', 'language', 'timestamp_granularities[]', 'unknown_field'), hostileString),
    fc.constantFrom<[string, string]>(['prompt', 'p'.repeat(10_001)], ['stream', 'true'], ['temperature', '1.5'], ['temperature', 'NaN'], ['file', 'not a file']),
  )
  .map(([name, value]) => change(`a ${name} field added`, (draft) => ({ ...draft, parts: [...draft.parts, { headers: [`Content-Disposition: form-data; name="${name}"`], data: utf8(value) }] })));

const manyParts: fc.Arbitrary<FormChange> = fc
  .constantFrom(1_000, 20_000)
  .map((count) => change(`${count} more fields`, (draft) => ({ ...draft, parts: [...draft.parts, ...Array.from({ length: count }, (_, i) => ({ headers: [`Content-Disposition: form-data; name="f${i}"`], data: utf8('v') }))] })));

const secondFile: fc.Arbitrary<FormChange> = fc.constant(
  change('a second file', (draft) => ({
    ...draft,
    parts: [...draft.parts, { headers: ['Content-Disposition: form-data; name="file"; filename="two.mp3"', 'Content-Type: audio/mpeg'], data: Buffer.alloc(64, 0xff) }],
  })),
);

const formChange: fc.Arbitrary<FormChange> = fc.oneof(
  { weight: 3, arbitrary: contentTypeChanges },
  { weight: 3, arbitrary: framingChanges },
  { weight: 6, arbitrary: fc.nat(8).chain(partChanges) },
  { weight: 2, arbitrary: addedParts },
  { weight: 1, arbitrary: secondFile },
  // Many parts are slow to write and read: rare.
  { weight: 1, arbitrary: fc.nat(9).chain((n) => (n === 0 ? manyParts : addedParts)) },
);

/** Boundaries as the OpenAI SDK, browsers and curl make them, and odd but legal ones. */
const boundary = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 32 }).map((hex) => `----formdata-undici-0${hex}`),
  fc.constantFrom('----WebKitFormBoundary7MA4YWxkTrZu0gW', '------------------------d74496d66958873e', 'fuzzboundary', "'()+_,-./:=?", 'a'.repeat(70)),
);

/**
 * Bodies for a multipart/form-data route: valid forms, forms with one to three changes from the
 * lists above, and the same with bytes broken afterwards (`breakBytes`).
 */
export function formBody(valid: fc.Arbitrary<FormPart[]>, breakBytes: (bytes: Buffer) => fc.Arbitrary<Buffer>): fc.Arbitrary<FormBody> {
  const written = (shape: string) => (draft: Draft): FormBody => ({ shape, bytes: encode(draft), contentType: draft.contentType });
  const validForm = fc.tuple(valid, boundary).map(([parts, b]) => written('form-valid')(draftOf(parts, b)));
  const mutated = fc
    .tuple(valid, boundary, fc.array(formChange, { minLength: 1, maxLength: 3 }))
    .map(([parts, b, changes]) => ({
      ...written('form-mutated')(changes.reduce((draft, { apply }) => apply(draft), draftOf(parts, b))),
      changes: changes.map(({ label }) => label),
    }));
  const broken = mutated.chain((body) => breakBytes(body.bytes).map((bytes) => ({ ...body, shape: `${body.shape}+bytes`, bytes })));
  return fc.oneof({ weight: 6, arbitrary: validForm }, { weight: 14, arbitrary: mutated }, { weight: 3, arbitrary: broken });
}
