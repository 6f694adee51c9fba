let context: AudioContext | null = null;

/**
 * Browsers only let a page make sound after the person interacted with it; the sign-in click is
 * that interaction, so the audio context is created (unlocked) there.
 */
export function unlockSound(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {
    context = null;
  }
}

/** A short two-tone chime for a new offer: distinct from the operating system's own sounds. */
export function playOfferCue(): void {
  if (!context) unlockSound();
  const audio = context;
  if (!audio) return;
  const start = audio.currentTime + 0.01;
  [880, 1320].forEach((frequency, index) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    const at = start + index * 0.18;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.17);
  });
}
