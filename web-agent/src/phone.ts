import { useEffect, useRef, useState } from 'react';
import type { AgentDeviceGrant } from '@sentral/contract';
import type { Call, Device } from '@twilio/voice-sdk';

export type PhoneStatus = 'unavailable' | 'starting' | 'ready' | 'failed';

export interface PhoneCall {
  from: string | null;
  state: 'ringing' | 'open';
  muted: boolean;
  answer(): void;
  decline(): void;
  mute(muted: boolean): void;
  hangUp(): void;
}

export interface BrowserPhone {
  status: PhoneStatus;
  call: PhoneCall | null;
}

async function voiceConfigured(token: string): Promise<boolean> {
  const response = await fetch('/api/voice/status', { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) return false;
  return ((await response.json()) as { configured?: unknown }).configured === true;
}

async function fetchGrant(token: string): Promise<AgentDeviceGrant | null> {
  const response = await fetch('/api/voice/token', { headers: { authorization: `Bearer ${token}` } });
  // 503 (voice or its API key not configured) and 404 (a hub without voice) both mean: no browser phone.
  if (!response.ok) return null;
  return (await response.json()) as AgentDeviceGrant;
}

/**
 * The agent's browser phone (Twilio Voice JS SDK), when the hub has voice configured. The hub
 * calls the agent's browser after they accept a voice offer; this rings, answers, mutes and hangs
 * up that call. The SDK is loaded only when a token is granted, so desktops without voice stay small.
 */
export function useBrowserPhone(token: string): BrowserPhone {
  const [status, setStatus] = useState<PhoneStatus>('starting');
  const [call, setCall] = useState<Call | null>(null);
  const [, setRevision] = useState(0);
  const deviceRef = useRef<Device | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      // Asked first, so a hub without Twilio answers 200 and the browser logs no failed token request.
      const configured = await voiceConfigured(token);
      if (cancelled) return;
      if (!configured) {
        setStatus('unavailable');
        return;
      }
      const grant = await fetchGrant(token);
      if (cancelled) return;
      if (!grant) {
        setStatus('unavailable');
        return;
      }
      const { Device: TwilioDevice, Call: TwilioCall } = await import('@twilio/voice-sdk');
      if (cancelled) return;
      const device = new TwilioDevice(grant.token, { closeProtection: true, codecPreferences: [TwilioCall.Codec.Opus, TwilioCall.Codec.PCMU] });
      deviceRef.current = device;
      device.on('incoming', (incoming: Call) => {
        const changed = () => setRevision((revision) => revision + 1);
        const gone = () => setCall((current) => (current === incoming ? null : current));
        incoming.on('accept', changed);
        incoming.on('mute', changed);
        incoming.on('disconnect', gone);
        incoming.on('cancel', gone);
        incoming.on('reject', gone);
        setCall(incoming);
      });
      device.on('tokenWillExpire', () => {
        fetchGrant(token)
          .then((next) => next && device.updateToken(next.token))
          .catch(() => undefined);
      });
      device.on('error', () => setStatus('failed'));
      await device.register();
      if (!cancelled) setStatus('ready');
    })().catch(() => !cancelled && setStatus('failed'));
    return () => {
      cancelled = true;
      deviceRef.current?.destroy();
      deviceRef.current = null;
    };
  }, [token]);

  return {
    status,
    call: call
      ? {
          from: call.parameters['From'] ?? null,
          state: call.status() === 'pending' ? 'ringing' : 'open',
          muted: call.isMuted(),
          answer: () => call.accept(),
          decline: () => call.reject(),
          mute: (muted) => call.mute(muted),
          hangUp: () => call.disconnect(),
        }
      : null,
  };
}
