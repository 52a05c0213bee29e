import type { DomainName, MethodId } from '../../../shared/contract/index';
import type { Handler } from './router';

/**
 * The handlers of one contract domain: every `domain.*` method, nothing else.
 *
 * Adding a domain's handlers (quotas, restores …): write `services/<domain>/<domain>.handlers.ts`
 * exporting `<domain>Handlers(deps): DomainHandlers<'<domain>'>` with only the services it calls,
 * and spread it into the `handlers` object in `bootstrap.ts`. The compiler refuses a missing
 * method (the composed object must be `Handlers`) and a method of another domain here.
 */
export type DomainHandlers<D extends DomainName> = {
  [Id in Extract<MethodId, `${D}.${string}`>]: Handler<Id>;
};
