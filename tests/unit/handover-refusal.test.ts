// Which failures of a call to Temporal make the webhook wait for (and 503) the bodies after it: only
// a refusal; a busy server (deadline, resource exhausted) or an unreachable one (its channel) does not.
import { describe, expect, it } from 'vitest';
import { isRefusal } from '../../server/handover.js';

const grpc = (code: number, message = 'x') => Object.assign(new Error(message), { code });

describe('isRefusal', () => {
  it('a server that answered no is a refusal', () => {
    expect(isRefusal(new Error('wrapped', { cause: grpc(5, 'Namespace tl-x is not found.') }))).toBe(true);
    expect(isRefusal(grpc(7, 'permission denied'))).toBe(true);
    expect(isRefusal(grpc(3, 'invalid argument'))).toBe(true);
  });
  it('busy, cancelled or away is not', () => {
    expect(isRefusal(new Error('deadline exceeded handing events to Temporal'))).toBe(false);
    expect(isRefusal(new Error('call failed', { cause: grpc(4) }))).toBe(false);
    expect(isRefusal(grpc(8))).toBe(false);
    expect(isRefusal(grpc(14))).toBe(false);
    expect(isRefusal(grpc(1))).toBe(false);
  });
});
