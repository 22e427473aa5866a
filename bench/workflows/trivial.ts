// The baseline's workflow: the conversation workflow's type, signal and start arguments, doing
// nothing but counting what it receives and staying open, as a conversation does.
import { condition, setHandler } from '@temporalio/workflow';
import { inboundSignal } from '../../workflows/conversation/contract.js';

export async function conversation(_input: { phoneNumberId: string }): Promise<void> {
  let received = 0;
  setHandler(inboundSignal, (events) => {
    received += events.length;
  });
  await condition(() => received < 0);
}
