import type { Channel } from '@sentral/contract';
import { chatDriver } from './chat.ts';
import { voiceDriver } from './voice.ts';
import type { ChannelDriver } from './driver.ts';

export type { ChannelDriver, ChannelRun } from './driver.ts';

/** Every channel the simulator can drive, in one explicit list. */
export const channelDrivers: readonly ChannelDriver[] = [chatDriver, voiceDriver];

export function driverFor(channel: Channel): ChannelDriver | undefined {
  return channelDrivers.find((driver) => driver.channel === channel);
}
