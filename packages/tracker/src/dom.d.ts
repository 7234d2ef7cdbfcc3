// Browser APIs and globals the tracker uses that TypeScript's DOM library does not declare.
export {};

declare global {
  interface Document {
    /** https://wicg.github.io/nav-speculation/prerendering.html#dom-document-prerendering */
    readonly prerendering?: boolean;
  }
  interface Navigator {
    /** https://w3c.github.io/gpc/#dom-globalprivacycontrol */
    readonly globalPrivacyControl?: boolean;
  }
  interface Storage {
    /** The documented opt-out flag: localStorage.sightline_ignore = 'true'. */
    sightline_ignore?: string;
  }
}
