import type { Logger } from 'pino';
import {
  getMethodSpec,
  type MethodId,
  type MethodOutput,
  type MethodParsedInput,
  type Shell,
} from '../../../shared/contract/index';
import { KeelError, isKeelError, type ErrorShape, type Result } from '../../../shared/errors';
import type { Actor } from '../../../shared/jobs';
import { redact } from '../lib/redact';

/** Who is calling and how; passed to every handler. */
export interface CallContext {
  shell: Shell;
  actor: Actor;
  /** Aborted when the caller goes away (socket closed, Ctrl-C) or the process shuts down. */
  signal: AbortSignal;
}

export type Handler<Id extends MethodId> = (
  input: MethodParsedInput<Id>,
  ctx: CallContext,
) => Promise<MethodOutput<Id>> | MethodOutput<Id>;

/** One handler per contract method: the compiler refuses a missing one. */
export type Handlers = { [Id in MethodId]: Handler<Id> };

/**
 * The one router of all shells. It looks the method up in the contract, validates input,
 * calls the service, validates output and returns a Result. Nothing thrown crosses it:
 * expected errors keep their code, anything else becomes INTERNAL with details logged here only.
 */
export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly logger: Logger,
  ) {}

  async dispatch(method: string, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>> {
    const spec = getMethodSpec(method);
    const handler = (this.handlers as Record<string, Handler<MethodId>>)[method];
    if (!spec || !handler) {
      return fail({ code: 'UNKNOWN_METHOD', message: `no such method: ${truncate(method)}` });
    }
    const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      return fail({
        code: 'VALIDATION',
        message: `invalid input for ${method}: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
          .join('; ')}`,
        details: {
          issues: parsed.error.issues.map((i) => ({
            path: i.path.map(String),
            message: i.message,
            code: i.code,
            ...('minimum' in i && { minimum: Number(i.minimum) }),
            ...('maximum' in i && { maximum: Number(i.maximum) }),
          })),
        },
      });
    }
    if (spec.shells && !spec.shells.includes(ctx.shell)) {
      return fail({
        code: 'UNSUPPORTED',
        message: `${method} is not available in ${ctx.shell} mode`,
      });
    }
    const started = performance.now();
    try {
      const value = await handler(parsed.data as never, ctx);
      const out = spec.output.safeParse(value);
      if (!out.success) {
        this.logger.error({ method, issues: out.error.issues }, 'handler output failed its schema');
        return fail({ code: 'INTERNAL', message: `${method} produced an invalid result` });
      }
      this.logger.debug({ method, ms: Math.round(performance.now() - started) }, 'call');
      return { ok: true, value: out.data };
    } catch (e) {
      return fail(this.toShape(method, e));
    }
  }

  private toShape(method: string, e: unknown): ErrorShape {
    if (isKeelError(e)) {
      const level = e.code === 'INTERNAL' ? 'error' : 'info';
      this.logger[level]({ method, code: e.code, details: e.details }, redact(e.message));
      return e.toShape();
    }
    this.logger.error({ method, err: e }, 'unexpected error');
    return new KeelError('INTERNAL', `${method} failed unexpectedly; see the Keel log`).toShape();
  }
}

const fail = (error: ErrorShape): Result<never> => ({ ok: false, error });
const truncate = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
