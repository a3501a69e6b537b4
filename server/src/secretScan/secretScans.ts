import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSecretScan } from '../providers/loadProviders';
import type { SecretScanFinding } from '../service/facts/facts';

/**
 * secretlint's findings per open document version. A lookup answers from what is known and starts
 * the (asynchronous) scan of a new version, then asks for re-validation when it is done.
 */
export class SecretScans {
  private readonly results = new Map<string, { version: number; findings: SecretScanFinding[] | undefined }>();

  constructor(
    private readonly enabled: () => boolean,
    private readonly revalidate: (uri: string) => void,
    private readonly logError: (message: string) => void,
  ) {}

  findings(document: TextDocument): readonly SecretScanFinding[] | undefined {
    if (!this.enabled()) return undefined;
    const known = this.results.get(document.uri);
    if (known?.version === document.version) return known.findings;
    const entry = { version: document.version, findings: undefined as SecretScanFinding[] | undefined };
    this.results.set(document.uri, entry);
    let path = document.uri;
    try {
      path = fileURLToPath(document.uri);
    } catch {
      // not a file URI: the name only serves secretlint's messages
    }
    void loadSecretScan()
      .then(({ scanForSecrets }) => scanForSecrets(path, document.getText()))
      .then(
        (findings) => {
          if (this.results.get(document.uri) !== entry) return;
          entry.findings = findings;
          if (findings.length > 0) this.revalidate(document.uri);
        },
        (error: unknown) => this.logError(`Scanning for hard-coded secrets failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    return undefined;
  }

  forget(uri: string): void {
    this.results.delete(uri);
  }
}
