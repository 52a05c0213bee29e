/**
 * Server side of SCRAM-SHA-256 (RFC 5802 / RFC 7677) as mongod runs it over saslStart /
 * saslContinue, for the Keel TEST-ONLY MongoDB stand-in. Users are created as if with
 * `mechanisms: ['SCRAM-SHA-256']`, so SCRAM-SHA-1 attempts fail like they would on such a user.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Binary, UUID, type Document } from 'bson';
import { CommandError } from './errors';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 15_000;

export interface UserOption {
  user: string;
  password: string;
  /** Authentication database; mongod's default authSource for users is `admin`. */
  db?: string;
  /**
   * Roles as createUser takes them (a bare name is a role on the user's own db). Default:
   * `root` on admin, so users given to startMongoStandIn keep full rights unless limited.
   */
  roles?: Array<string | RoleRef>;
}

/** A role grant, `{ role, db }`, as mongod stores it. */
export interface RoleRef {
  role: string;
  db: string;
}

export interface UserRecord {
  user: string;
  db: string;
  /** Granted roles; changed in place by grantRolesToUser / revokeRolesFromUser. */
  roles: RoleRef[];
  userId: UUID;
  customData?: Document;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface Conversation {
  user: UserRecord;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  skipEmptyExchange: boolean;
  proven: boolean;
}

/** Per-connection SASL state. mongod numbers conversations from 1 per connection. */
export interface SaslState {
  conversation?: Conversation;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** Derives the stored credentials once, as mongod does at createUser time. */
export function makeUser(opt: UserOption): UserRecord {
  const salt = randomBytes(28);
  // SASLprep is skipped: NFKC normalisation is equivalent for the ASCII passwords tests use.
  const salted = pbkdf2Sync(opt.password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const db = opt.db ?? 'admin';
  const roles = (opt.roles ?? [{ role: 'root', db: 'admin' }]).map((r) =>
    typeof r === 'string' ? { role: r, db } : { role: r.role, db: r.db },
  );
  return {
    user: opt.user,
    db,
    roles,
    userId: new UUID(),
    salt,
    storedKey: sha256(hmac(salted, 'Client Key')),
    serverKey: hmac(salted, 'Server Key'),
  };
}

export function authFailed(): CommandError {
  // mongod never tells the client *why* (unknown user vs wrong password).
  return new CommandError('AuthenticationFailed', 'Authentication failed.');
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return payload.toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  if (typeof payload === 'string') return payload;
  throw new CommandError('BadValue', 'SASL payload must be binary data');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** `saslStart` (also used for hello's speculativeAuthenticate). */
export function saslStart(
  db: string,
  body: Document,
  users: UserRecord[],
  state: SaslState,
): Document {
  const mechanism = String(body.mechanism ?? '');
  if (mechanism !== SCRAM_MECHANISM && mechanism !== 'SCRAM-SHA-1') {
    throw new CommandError(
      'MechanismUnavailable',
      `Received authentication for mechanism ${mechanism} which is not enabled`,
    );
  }
  const clientFirst = payloadText(body.payload);
  // gs2 header: "n,," (no channel binding, no authzid). Anything else is not something drivers send.
  if (!clientFirst.startsWith('n,,')) throw authFailed();
  const clientFirstBare = clientFirst.slice(3);
  const attrs = attributes(clientFirstBare);
  const name = (attrs.get('n') ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
  const clientNonce = attrs.get('r');
  const user = users.find((u) => u.user === name && u.db === db);
  if (!user || !clientNonce || mechanism !== SCRAM_MECHANISM) throw authFailed();
  const nonce = clientNonce + randomBytes(24).toString('base64');
  const serverFirst = `r=${nonce},s=${user.salt.toString('base64')},i=${ITERATIONS}`;
  const options = body.options as Document | undefined;
  state.conversation = {
    user,
    clientFirstBare,
    serverFirst,
    nonce,
    skipEmptyExchange: Boolean(options?.skipEmptyExchange),
    proven: false,
  };
  return { conversationId: 1, done: false, payload: new Binary(Buffer.from(serverFirst)), ok: 1 };
}

/** `saslContinue`; returns the reply and, once the proof checks out, the authenticated user. */
export function saslContinue(
  body: Document,
  state: SaslState,
): { reply: Document; user?: UserRecord } {
  const conv = state.conversation;
  if (!conv || Number(body.conversationId) !== 1) {
    throw new CommandError('BadValue', 'No SASL session state found');
  }
  if (conv.proven) {
    // The optional empty round trip that older drivers make after verifying the server.
    state.conversation = undefined;
    return {
      reply: { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 },
    };
  }
  const clientFinal = payloadText(body.payload);
  const proofAt = clientFinal.lastIndexOf(',p=');
  const attrs = attributes(clientFinal);
  const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
  if (proofAt < 0 || attrs.get('r') !== conv.nonce || attrs.get('c') !== 'biws') {
    state.conversation = undefined;
    throw authFailed();
  }
  const withoutProof = clientFinal.slice(0, proofAt);
  const authMessage = `${conv.clientFirstBare},${conv.serverFirst},${withoutProof}`;
  const clientSignature = hmac(conv.user.storedKey, authMessage);
  if (proof.length !== clientSignature.length) {
    state.conversation = undefined;
    throw authFailed();
  }
  const clientKey = Buffer.from(proof.map((b, i) => b ^ (clientSignature[i] as number)));
  if (!timingSafeEqual(sha256(clientKey), conv.user.storedKey)) {
    state.conversation = undefined;
    throw authFailed();
  }
  const verifier = `v=${hmac(conv.user.serverKey, authMessage).toString('base64')}`;
  const done = conv.skipEmptyExchange;
  if (done) state.conversation = undefined;
  else conv.proven = true;
  return {
    reply: { conversationId: 1, done, payload: new Binary(Buffer.from(verifier)), ok: 1 },
    user: conv.user,
  };
}
