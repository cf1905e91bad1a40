/** `uprate alerts test RULE`: a sample notification to a rule's channels, with no data and no state. */
import { deliverToChannel, type AlertSetup } from './alert-setup.js';
import { buildNotification, channelBody } from './notification.js';
import { sampleFinding } from './sample-finding.js';
import type { DeliveryEffects, DeliveryResult } from './webhook.js';

export interface TestDelivery extends DeliveryResult {
  readonly channel: string;
  readonly key: string;
}

export async function sendTestNotification(
  setup: AlertSetup,
  ruleName: string,
  channelNames: readonly string[],
  options: { readonly publicUrl: string; readonly now?: Date; readonly delivery?: DeliveryEffects },
): Promise<TestDelivery[]> {
  const rule = setup.rules.find((r) => r.name === ruleName);
  if (!rule) return [];
  const at = options.now ?? new Date();
  const out: TestDelivery[] = [];
  for (const name of channelNames) {
    const channel = setup.channels.get(name);
    if (!channel) continue;
    const key = `test|${rule.name}|${at.toISOString()}|${name}`;
    const n = buildNotification({ kind: 'test', key, rule, finding: sampleFinding(rule, at), publicUrl: options.publicUrl, firingSince: at, resolvedAt: null, sentAt: at, sample: true });
    out.push({ channel: name, key, ...(await deliverToChannel(channel, channelBody(channel.type, n), key, options.delivery)) });
  }
  return out;
}
