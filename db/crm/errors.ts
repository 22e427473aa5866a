// Rule failures of the CRM data layer, free of HTTP: the routes turn them into 422 / 404 / 409.
export type CrmErrorKind = 'invalid' | 'not_found' | 'conflict';

export class CrmError extends Error {
  constructor(
    readonly kind: CrmErrorKind,
    message: string,
    /** The input field at fault (`country`, `phone`, `companyId`...), when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

export const invalid = (field: string, message: string) => new CrmError('invalid', message, field);
