/**
 * MongoDB wire-protocol framing for the Keel TEST-ONLY MongoDB stand-in.
 *
 * Covers what a driver needs to talk to a mongod without compression: OP_MSG (2013) both ways,
 * legacy OP_QUERY (2004) in (drivers send the first `isMaster` handshake that way) and OP_REPLY (1)
 * out. See https://github.com/mongodb/specifications/blob/master/source/message/OP_MSG.md.
 */
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
export const FLAG_EXHAUST_ALLOWED = 1 << 16;

const HEADER_SIZE = 16;
/** mongod's default maxMessageSizeBytes; anything claiming more is a framing error. */
export const MAX_MESSAGE_SIZE = 48_000_000;

/**
 * Longs stay Long (cursor ids, counters round-trip with their type); everything else is promoted
 * to plain JS values so the query engine can compare them directly.
 */
const DECODE_OPTIONS = { promoteLongs: false } as const;

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** OP_MSG flagBits (0 for OP_QUERY). */
  flags: number;
  /** The command document, with kind-1 document sequences folded in under their identifiers. */
  body: Document;
  /** OP_QUERY only: the target namespace, e.g. `admin.$cmd`. */
  fullCollectionName?: string;
}

export class WireFormatError extends Error {}

/** Returns the length of the next complete message at the start of `buf`, or 0 if incomplete. */
export function completeMessageLength(buf: Buffer): number {
  if (buf.length < 4) return 0;
  const length = buf.readInt32LE(0);
  if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
    throw new WireFormatError(`invalid message length ${length}`);
  }
  return buf.length >= length ? length : 0;
}

function readCString(buf: Buffer, start: number, end: number): [string, number] {
  const nul = buf.indexOf(0, start);
  if (nul < 0 || nul >= end) throw new WireFormatError('unterminated cstring');
  return [buf.toString('utf8', start, nul), nul + 1];
}

function readDocument(buf: Buffer, pos: number, end: number): [Document, number] {
  if (pos + 4 > end) throw new WireFormatError('truncated document');
  const size = buf.readInt32LE(pos);
  if (size < 5 || pos + size > end) throw new WireFormatError('document overruns message');
  return [deserialize(buf.subarray(pos, pos + size), DECODE_OPTIONS), pos + size];
}

/** Decodes one complete message (header included). */
export function decodeMessage(msg: Buffer): WireRequest {
  const length = msg.readInt32LE(0);
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) return decodeOpMsg(msg, length, requestId);
  if (opCode === OP_QUERY) return decodeOpQuery(msg, length, requestId);
  if (opCode === OP_COMPRESSED) {
    // We never advertise compressors in hello, so a well-behaved client never sends this.
    throw new WireFormatError('OP_COMPRESSED received but no compressor was negotiated');
  }
  throw new WireFormatError(`unsupported opCode ${opCode}`);
}

function decodeOpMsg(msg: Buffer, length: number, requestId: number): WireRequest {
  const flags = msg.readUInt32LE(HEADER_SIZE);
  // The optional CRC-32C trailer is not verified: loopback test traffic cannot be corrupted.
  const end = flags & FLAG_CHECKSUM_PRESENT ? length - 4 : length;
  let pos = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (pos < end) {
    const kind = msg.readUInt8(pos);
    pos += 1;
    if (kind === 0) {
      if (body) throw new WireFormatError('OP_MSG has more than one body section');
      [body, pos] = readDocument(msg, pos, end);
    } else if (kind === 1) {
      const sectionEnd = pos + msg.readInt32LE(pos);
      if (sectionEnd > end) throw new WireFormatError('document sequence overruns message');
      let identifier: string;
      [identifier, pos] = readCString(msg, pos + 4, sectionEnd);
      const docs: Document[] = [];
      while (pos < sectionEnd) {
        let doc: Document;
        [doc, pos] = readDocument(msg, pos, sectionEnd);
        docs.push(doc);
      }
      sequences.push([identifier, docs]);
    } else {
      throw new WireFormatError(`unsupported OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireFormatError('OP_MSG without a body section');
  // A document sequence is equivalent to an array field of the same name in the body.
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  return { requestId, opCode: OP_MSG, flags, body };
}

function decodeOpQuery(msg: Buffer, length: number, requestId: number): WireRequest {
  // Skip OP_QUERY flags; after the name, skip numberToSkip / numberToReturn (unused by commands).
  const [fullCollectionName, afterName] = readCString(msg, HEADER_SIZE + 4, length);
  const [query] = readDocument(msg, afterName + 8, length);
  // Old drivers wrap the command as {$query: cmd, $readPreference: ...}.
  const wrapped = query.$query as Document | undefined;
  const body = wrapped && typeof wrapped === 'object' ? wrapped : query;
  return { requestId, opCode: OP_QUERY, flags: 0, body, fullCollectionName };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.writeInt32LE(length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
  return buf;
}

const SERIALIZE_OPTIONS = { ignoreUndefined: true } as const;

/** An OP_MSG reply with a single body section; `moreToCome` marks an exhaust (streamed) reply. */
export function encodeOpMsgReply(
  requestId: number,
  responseTo: number,
  doc: Document,
  moreToCome = false,
): Buffer {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32LE(moreToCome ? FLAG_MORE_TO_COME : 0, 0);
  prefix.writeUInt8(0, 4); // section kind 0
  const length = HEADER_SIZE + prefix.length + body.length;
  return Buffer.concat([header(length, requestId, responseTo, OP_MSG), prefix, body]);
}

/** An OP_REPLY carrying one document, answering a legacy OP_QUERY command. */
export function encodeOpReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const fields = Buffer.alloc(20);
  // responseFlags 8 = AwaitCapable, which every mongod since 1.6 sets.
  fields.writeInt32LE(8, 0);
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  const length = HEADER_SIZE + fields.length + body.length;
  return Buffer.concat([header(length, requestId, responseTo, OP_REPLY), fields, body]);
}
