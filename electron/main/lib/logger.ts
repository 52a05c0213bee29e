import { pino, type Logger } from 'pino';
import { redact } from './redact';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Write JSON lines to this stream (default stderr, so `--json` stdout stays clean for scripts). */
  destination?: NodeJS.WritableStream;
}

/**
 * Structured JSON logs (pino). Known secret fields are removed by path, and every message string
 * passes through `redact` so a connection string in a driver error never shows its password.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.KEEL_LOG_LEVEL ?? 'info',
      base: { app: 'keel' },
      redact: {
        paths: [
          'password',
          '*.password',
          '*.*.password',
          'secret',
          '*.secret',
          'token',
          '*.token',
          'tlsKey',
          '*.tlsKey',
          'passphrase',
          '*.passphrase',
          'headers.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? redact(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: {
        err: (e: unknown) => {
          const ser = pino.stdSerializers.err(e as Error);
          return { ...ser, message: redact(ser.message), stack: ser.stack && redact(ser.stack) };
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (opts.destination as pino.DestinationStream | undefined) ?? pino.destination(2),
  );
}

/** A logger that drops everything (unit tests). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
