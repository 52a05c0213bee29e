import { methodEntries, type MethodId } from '../../shared/contract/index';
import { badPayloads, hostilePayloads, onTheWire } from './bad-payloads';

/** A bad call as a client sends it: the method and the input as JSON text. */
export interface WireCall {
  method: MethodId;
  text: string;
}

/**
 * Per method: the generated bad payloads, the hand-written hostile values (without the 10 MB
 * string), and with `withHuge` one 10 MB string per contract domain; only those still refused once
 * they are JSON text. At most `perMethod` each, the hostile ones first.
 */
export function wireCalls(
  randomCount: number,
  withHuge: boolean,
  perMethod = Infinity,
): WireCall[] {
  const calls: WireCall[] = [];
  const hugeDomains = new Set<string>();
  for (const [method, spec] of methodEntries) {
    const candidates = [
      ...hostilePayloads(spec.example)
        .filter((h) => typeof h.value !== 'string' || h.value.length < 1_000_000)
        .map((h) => h.payload),
      ...badPayloads(spec.input, spec.example, randomCount),
    ];
    // One 10 MB string per contract domain (under the 30 MB wire limit, so it reaches the router).
    const domain = method.split('.')[0] ?? method;
    const huge = hostilePayloads(spec.example).find(
      (h) => typeof h.value === 'string' && h.value.length >= 1_000_000,
    );
    if (withHuge && huge && !hugeDomains.has(domain)) {
      hugeDomains.add(domain);
      candidates.push(huge.payload);
    }
    let kept = 0;
    for (const p of candidates) {
      const text = onTheWire(spec.input, p);
      if (text === undefined || kept >= perMethod) continue;
      calls.push({ method, text });
      kept += 1;
    }
  }
  return calls;
}
