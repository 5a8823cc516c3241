/** The deployment's evidence bundle (docs/audit.md): written beside its report when its pipeline ends. */
export const BUNDLE_FILE = 'audit-bundle.json';
