import type { z } from 'zod';

/**
 * One method of the contract. Main derives its handler table from it, the renderer its client,
 * the CLI its commands and the bad-input suite its payloads.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for people: CLI help, docs. */
  readonly summary: string;
  /** A valid input. Documents the shape and seeds the bad-input generator. */
  readonly example: z.input<I>;
  /** Changes or deletes something that cannot be trivially undone: the UI confirms, the CLI needs --yes. */
  readonly destructive?: boolean;
  /** Only one shell can honour it (desktop-only actions such as opening a browser). */
  readonly shells?: readonly Shell[];
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export type Shell = 'desktop' | 'server' | 'cli' | 'agent';

export interface DomainSpec {
  readonly methods: Readonly<Record<string, MethodSpec>>;
  readonly events: Readonly<Record<string, EventSpec>>;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(
  spec: MethodSpec<I, O>,
): MethodSpec<I, O> => spec;

export const event = <P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> => spec;

export const domain = <D extends DomainSpec>(spec: D): D => spec;
