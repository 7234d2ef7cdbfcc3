/**
 * What can go wrong below the routes, in the domain's terms. The stats service, the period
 * arithmetic and site access throw these; http/errors.ts alone turns each into a status.
 */

/** The query parsed, but asks for something that cannot be answered as asked. */
export class InvalidQuery extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQuery';
  }
}

export class UnknownSite extends Error {
  constructor(readonly domain: string) {
    super(`unknown site ${domain}`);
    this.name = 'UnknownSite';
  }
}

/** The caller has not shown who it is: no credential, or one that was never issued. */
export class NotAuthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAuthenticated';
  }
}

/** The caller is known, but may not do this to this site. */
export class NotPermitted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotPermitted';
  }
}
