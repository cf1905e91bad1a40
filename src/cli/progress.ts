import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(label: string, percent: number, detail?: string): void;
  stop(): void;
}

const quiet: Progress = { update() {}, stop() {} };

/** A progress bar on a terminal; nothing when stderr is piped or in CI, so logs stay clean. */
export function progressBar(enabled = process.stderr.isTTY === true && !process.env['CI']): Progress {
  if (!enabled) return quiet;
  const bar = new SingleBar(
    {
      format: ' {label} [{bar}] {percentage}% {detail}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(label, percent, detail = '') {
      const value = Math.max(0, Math.min(100, Math.round(percent)));
      if (!started) {
        bar.start(100, value, { label, detail });
        started = true;
      } else bar.update(value, { label, detail });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
