/**
 * Command errors of the Keel TEST-ONLY MongoDB stand-in, in mongod's `{ ok: 0, errmsg, code,
 * codeName }` shape. Codes and names are MongoDB's (src/mongo/base/error_codes.yml).
 */
import type { Document } from 'bson';

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  UserNotFound: 11,
  Unauthorized: 13,
  TypeMismatch: 14,
  AuthenticationFailed: 18,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  RoleNotFound: 31,
  InvalidOptions: 72,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidRoleModification: 49,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidNamespace: 73,
  NoReplicationEnabled: 76,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  DocumentValidationFailure: 121,
  MechanismUnavailable: 334,
  UnsupportedOpQueryCommand: 352,
  DuplicateKey: 11000,
  // Assertion-site codes have no symbolic name; mongod reports them as `Location<code>`.
  Location15952: 15952,
  Location31254: 31254,
  Location40324: 40324,
  Location40571: 40571,
  Location51002: 51002,
  Location51003: 51003,
} as const;

export type CodeName = keyof typeof ErrorCodes;

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: CodeName;
  /** Extra fields mongod puts beside errmsg (e.g. keyPattern / keyValue on E11000). */
  readonly extra: Document;

  constructor(codeName: CodeName, message: string, extra: Document = {}) {
    super(message);
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The shape of one entry in a write command's `writeErrors` array. */
  toWriteError(index: number): Document {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** Marks behaviour that real MongoDB has but the stand-in deliberately does not implement. */
export function notImplemented(what: string): CommandError {
  return new CommandError('BadValue', `${what} is not implemented by the Keel MongoDB stand-in`);
}
