/** Errors the domain refuses with. The code says what kind; the message says what to do. */
export type DomainErrorCode =
  | 'USAGE'
  | 'NOT_FOUND'
  | 'INCIDENT_CLOSED'
  | 'INCIDENT_OPEN'
  | 'NOT_ALLOWED'
  | 'NO_CHANGE'
  | 'DUPLICATE'
  /** Recovery runs: a click by someone outside the approver groups. */
  | 'NOT_APPROVER'
  /** Recovery runs: the requester clicked Approve on their own request. */
  | 'SELF_APPROVAL'
  /** Recovery runs: the approval request ran out. */
  | 'EXPIRED'
  /** Recovery runs: the health-check quorum is not met and no override was given. */
  | 'NO_QUORUM';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The usage line of the command that was refused, when there is one. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
