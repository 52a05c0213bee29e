export interface StartupDeps {
  logger: { error(o: object, msg: string): void };
  showErrorBox(title: string, content: string): void;
  exit(code: number): void;
}

/**
 * Run the start-up body. If it fails there is no window yet: without this the process would
 * stay alive, invisible, holding the single-instance lock, so every later launch quits at once.
 */
export async function startOrExit(start: () => Promise<void>, deps: StartupDeps): Promise<void> {
  try {
    await start();
  } catch (err) {
    deps.logger.error({ err }, 'start-up failed');
    const message = err instanceof Error ? err.message : String(err);
    deps.showErrorBox('Keel could not start', `${message}\n\nSee the log for details.`);
    deps.exit(1);
  }
}
