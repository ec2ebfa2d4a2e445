// Expected coordination failures, each with a stable `code` the runtime and the API can map.

export type CoordErrorCode = 'LOCK_TIMEOUT' | 'LOCK_LOST' | 'COORD_UNAVAILABLE';

export class CoordError extends Error {
  constructor(
    readonly code: CoordErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CoordError';
  }
}

/** The key stayed locked by someone else for the whole wait. Safe to retry later. */
export class LockTimeoutError extends CoordError {
  constructor(
    readonly key: string,
    readonly waitMs: number,
  ) {
    super(
      'LOCK_TIMEOUT',
      `The conversation lock "${key}" stayed held by another worker for more than ${waitMs} ms; try again later or raise waitMs.`,
    );
    this.name = 'LockTimeoutError';
  }
}

/** The lock expired or was taken over while its holder ran: stop writing (the fence refuses late writes anyway). */
export class LockLostError extends CoordError {
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(
      'LOCK_LOST',
      `The conversation lock "${key}" was lost (it expired or another worker took it); this holder must stop.`,
      options,
    );
    this.name = 'LockLostError';
  }
}

/** Redis does not answer (or the coordinator was closed). The coordinator reconnects by itself. */
export class CoordUnavailableError extends CoordError {
  constructor(message: string, options?: ErrorOptions) {
    super('COORD_UNAVAILABLE', message, options);
    this.name = 'CoordUnavailableError';
  }
}
