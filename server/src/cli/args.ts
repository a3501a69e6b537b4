import { addressProblem, parseAddress } from '../../../shared/src/addresses';
import { defaultSettings, normalizeSettings, settingBounds, type Settings } from '../../../shared/src/settings';
import { allDiagnosticCodes, isDiagnosticCode } from '../service/diagnostics/codes';

export type OutputFormat = 'text' | 'json' | 'sarif';
export type InventoryFormat = 'json' | 'veza-oaa';

export interface CheckOptions {
  /** Files and folders as the user typed them (default `.`). */
  paths: string[];
  format: OutputFormat;
  settings: Settings;
  /** Also check against the secret managers, with credentials from the environment. */
  live: boolean;
  /** Origins given with --trust-address: credentials from the environment may go there. */
  trustedAddresses: string[];
}

export interface InventoryOptions {
  /** Files and folders as the user typed them (default `.`). */
  paths: string[];
  format: InventoryFormat;
  settings: Settings;
  /** Also ask the secret managers (metadata, permissions), with credentials from the environment. */
  live: boolean;
  /** Origins given with --trust-address. */
  trustedAddresses: string[];
}

export type LocalCommand =
  | {
      action: 'put';
      vault: string;
      secret: string;
      /** Values given on the command line (KEY=VALUE): not secret ones, since the process list shows them. */
      data: Record<string, string>;
      /** Keys given as KEY=-: each value is read from standard input (asked without echo on a terminal). */
      fromStdin: string[];
      /** --stdin: KEY=VALUE lines are read from standard input. */
      stdinLines: boolean;
      cas: number | undefined;
    }
  | { action: 'get'; vault: string; secret: string; key: string | undefined; version: number | undefined }
  | { action: 'list'; vault: string; folder: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  /** No arguments at all: usage goes to stderr and the exit status is 2. */
  | { kind: 'no-command' }
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'inventory'; options: InventoryOptions }
  | { kind: 'local'; command: LocalCommand };

/** Bad command line; `message` is shown after `secretrefs: ` and the exit status is 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const list = (values: readonly string[]) => values.join(', ');
const bounds = (key: keyof typeof settingBounds) => `${settingBounds[key].minimum}–${settingBounds[key].maximum}`;

export const usageText = `Usage: secretrefs check [options] [PATH...]
       secretrefs inventory [options] [PATH...]
       secretrefs local put VAULT SECRET KEY=-... | --stdin [--cas N]
       secretrefs local get VAULT SECRET [KEY] [--version N]
       secretrefs local list VAULT [FOLDER]

Checks vault configurations (*.vault.yaml), connection files (*.connection.yaml)
and their vault.secret(...) references. Each PATH is a file or a folder (default:
the current folder); folders are searched for files matching the patterns below.

Options:
  --format text|json|sarif
                         Output format of check (default: text)
  --format json|veza-oaa Output format of inventory (default: json)
  --vault-configs GLOB   Vault configuration files; repeatable, replaces the default
                         (${list(defaultSettings.files.vaultConfigs)})
  --connections GLOB     Connection files; repeatable, replaces the default
                         (${list(defaultSettings.files.connections)})
  --exclude GLOB         Files never checked; repeatable, replaces the default
                         (${list(defaultSettings.files.exclude)})
  --disable CODE         Do not report diagnostic CODE; repeatable or comma-separated
                         (check only)
  --max-size-kb N        Report files larger than N kilobytes instead of checking
                         them (${bounds('files.maxSizeKb')}; default: ${defaultSettings.files.maxSizeKb})
  --max-files N          Read at most N files; when more match, say so and exit 2
                         (${bounds('files.maxFiles')}; default: ${defaultSettings.files.maxFiles})
  --live                 Also check against the secret managers, with credentials
                         from the environment (VAULT_TOKEN or ~/.vault-token,
                         VAULT_ROLE_ID and VAULT_SECRET_ID, SECRETREFS_LOCAL_KEY,
                         the cloud SDKs' own discovery); inventory: also read each
                         secret's metadata and the caller's permissions on it.
                         Credentials go only to trusted addresses: the cloud
                         providers' own endpoints, VAULT_ADDR, and --trust-address;
                         any other address is not contacted (untrusted-address)
  --trust-address URL    Also send credentials from the environment to URL's origin
                         (scheme, host, port); repeatable. SECRETREFS_TRUSTED_ADDRESSES
                         adds more, comma-separated
  --timeout SECONDS      Timeout of one request to a secret manager
                         (${bounds('live.timeoutSeconds')}; default: ${defaultSettings.live.timeoutSeconds})
  -h, --help             Show this help
  --version              Show the version

The local vault (provider: local) is an encrypted file outside the workspace, in
$SECRETREFS_LOCAL_DIR or ~/.secretrefs/local; its key is SECRETREFS_LOCAL_KEY
(a passphrase of at least 12 characters, or a 32-byte key in base64 or hex).
"local put" reads values from standard input, never from the command line,
where any user can see them in the process list: KEY=- reads the value of KEY
(a terminal asks for it without showing it; a pipe gives all of its input, one
trailing newline dropped; only one KEY=- then), and --stdin reads KEY=VALUE
lines (empty lines and lines starting with # are skipped). KEY=VALUE on the
command line is for values that are not secret.
"local get" prints the secret's values: it is the explicit way to see them.

Text output: one line per problem, FILE:LINE:COL: SEVERITY CODE MESSAGE, then a
summary on stderr. JSON output: an array of {file, range, severity, code, message}
with 0-based LSP ranges. SARIF output: a SARIF 2.1.0 log for code-scanning tools,
one rule per diagnostic code, 1-based regions, paths relative to %SRCROOT% (the
current folder).

"inventory" lists every vault configuration with the engines or stores it uses,
and every referenced secret (attached or inline) with the connections that read
it and the keys they read; with --live also its owner, expiry and rotation (from
the secret's metadata or tags) and the caller's permissions on it. It never holds
a secret value. veza-oaa: a Veza Open Authorization API payload of the
secret_store template (vaults = engines or stores, entries = secrets, identities
= connections with "read" on what they read).

Exit status: 0 no errors (warnings allowed), 1 errors found,
2 bad usage, unreadable input, more files than --max-files, or internal error.
"inventory" exits 0 whatever it finds (live failures included), or 2.
`;

const valueOptions = ['--format', '--vault-configs', '--connections', '--exclude', '--disable', '--max-size-kb', '--max-files', '--timeout', '--trust-address', '--cas', '--version-pin'] as const;
type ValueOption = (typeof valueOptions)[number];

function isValueOption(name: string): name is ValueOption {
  return (valueOptions as readonly string[]).includes(name);
}

const see = '(see "secretrefs --help")';

/** Parses the arguments after `node cli.js`. Throws UsageError for anything it does not accept. */
export function parseArgs(argv: readonly string[]): Command {
  const endOfOptions = argv.indexOf('--');
  const optionPart = endOfOptions === -1 ? argv : argv.slice(0, endOfOptions);
  // Help wins over everything else before `--`, even over mistakes elsewhere on the line.
  if (optionPart.some((a) => a === '-h' || a === '--help')) return { kind: 'help' };
  if (argv.length === 0) return { kind: 'no-command' };

  const positionals: string[] = [];
  const values: Record<ValueOption, string[]> = {
    '--format': [],
    '--vault-configs': [],
    '--connections': [],
    '--exclude': [],
    '--disable': [],
    '--max-size-kb': [],
    '--max-files': [],
    '--timeout': [],
    '--trust-address': [],
    '--cas': [],
    '--version-pin': [],
  };
  let version = false;
  let live = false;
  let stdin = false;
  const isLocal = argv.find((a) => !a.startsWith('-')) === 'local';

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (i === endOfOptions) {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (name === '--version' && isLocal) {
      // `secretrefs local get … --version N` pins a version; elsewhere --version prints ours.
      const next = argv[i + 1];
      const value = eq !== -1 ? arg.slice(eq + 1) : next;
      if (value === undefined || value === '') throw new UsageError(`option "--version" needs a value`);
      if (eq === -1) i++;
      values['--version-pin'].push(value);
      continue;
    }
    if (name === '--version') {
      if (eq !== -1) throw new UsageError(`option "--version" takes no value`);
      version = true;
      continue;
    }
    if (name === '--live') {
      if (eq !== -1) throw new UsageError(`option "--live" takes no value`);
      live = true;
      continue;
    }
    if (name === '--stdin' && isLocal) {
      if (eq !== -1) throw new UsageError(`option "--stdin" takes no value`);
      stdin = true;
      continue;
    }
    if (!isValueOption(name)) throw new UsageError(`unknown option "${name}" ${see}`);
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next !== undefined && i + 1 !== endOfOptions && !(next.startsWith('-') && next.length > 1)) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') throw new UsageError(`option "${name}" needs a value`);
    values[name].push(value);
  }

  if (version) return { kind: 'version' };

  const [command, ...paths] = positionals;
  if (command === undefined) throw new UsageError(`no command given; the commands are "check", "inventory" and "local" ${see}`);
  if (command === 'local') return { kind: 'local', command: parseLocal(paths, values['--cas'].at(-1), values['--version-pin'].at(-1), stdin) };
  if (command !== 'check' && command !== 'inventory') throw new UsageError(`unknown command "${command}"; the commands are "check", "inventory" and "local" ${see}`);

  const settings = normalizeSettings(undefined);
  const givenFormat = values['--format'].at(-1);
  if (command === 'inventory') {
    if (givenFormat !== undefined && givenFormat !== 'json' && givenFormat !== 'veza-oaa') {
      throw new UsageError(`--format of inventory must be "json" or "veza-oaa", not "${givenFormat}"`);
    }
    if (values['--disable'].length > 0) throw new UsageError(`option "--disable" applies to "check" only ${see}`);
  }
  const format = givenFormat ?? 'text';
  if (command === 'check' && format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be "text", "json" or "sarif", not "${format}"`);
  }
  if (values['--vault-configs'].length > 0) settings.files.vaultConfigs = values['--vault-configs'];
  if (values['--connections'].length > 0) settings.files.connections = values['--connections'];
  if (values['--exclude'].length > 0) settings.files.exclude = values['--exclude'];

  const maxSize = values['--max-size-kb'].at(-1);
  if (maxSize !== undefined) settings.files.maxSizeKb = boundedOption('--max-size-kb', maxSize, 'files.maxSizeKb', 'a number of kilobytes');
  const maxFiles = values['--max-files'].at(-1);
  if (maxFiles !== undefined) settings.files.maxFiles = boundedOption('--max-files', maxFiles, 'files.maxFiles', 'a whole number', true);

  const disabled = values['--disable'].flatMap((v) => v.split(',')).map((c) => c.trim());
  for (const code of disabled) {
    if (!isDiagnosticCode(code)) {
      throw new UsageError(`unknown diagnostic code "${code}" for --disable; valid codes: ${list(allDiagnosticCodes)}`);
    }
  }
  settings.diagnostics.disabled = [...new Set(disabled)];

  const timeout = values['--timeout'].at(-1);
  if (timeout !== undefined) settings.live.timeoutSeconds = boundedOption('--timeout', timeout, 'live.timeoutSeconds', 'a number of seconds');

  const trustedAddresses: string[] = [];
  for (const text of values['--trust-address']) {
    const parsed = parseAddress(text);
    // User info may be a password: it is never repeated.
    if (!parsed.ok) throw new UsageError(`--trust-address ${parsed.reason === 'user-info' ? '(an address with user info)' : `"${text}"`} is not used: ${addressProblem(parsed)}`);
    trustedAddresses.push(parsed.origin);
  }

  const given = paths.length > 0 ? paths : ['.'];
  if (command === 'inventory') return { kind: 'inventory', options: { paths: given, format: givenFormat === 'veza-oaa' ? 'veza-oaa' : 'json', settings, live, trustedAddresses } };
  return { kind: 'check', options: { paths: given, format: format as OutputFormat, settings, live, trustedAddresses } };
}

/** A numeric option within the setting's bounds; out of range is a usage error (a setting is clamped instead). */
function boundedOption(name: string, value: string, key: keyof typeof settingBounds, what: string, integer = false): number {
  const { minimum, maximum } = settingBounds[key];
  const n = Number(value);
  const shape = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!shape.test(value) || !Number.isFinite(n) || n < minimum || n > maximum) {
    throw new UsageError(`${name} must be ${what} from ${minimum} to ${maximum}, not "${value}"`);
  }
  return n;
}

function positiveInteger(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || (!allowZero && Number(value) === 0)) throw new UsageError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, not "${value}"`);
  return Number(value);
}

function parseLocal(args: string[], cas: string | undefined, version: string | undefined, stdin: boolean): LocalCommand {
  const [action, vault, ...rest] = args;
  const usage = `usage: secretrefs local put VAULT SECRET KEY=-... | --stdin | get VAULT SECRET [KEY] | list VAULT [FOLDER]`;
  if (!vault || (action !== 'put' && action !== 'get' && action !== 'list')) throw new UsageError(usage);
  if (stdin && action !== 'put') throw new UsageError(`option "--stdin" applies to "local put" only ${see}`);
  if (action === 'list') return { action, vault, folder: rest[0] ?? '' };
  const [secret, ...more] = rest;
  if (!secret) throw new UsageError(usage);
  if (action === 'get') return { action, vault, secret, key: more[0], version: positiveInteger('--version', version) };
  if (more.length === 0 && !stdin) throw new UsageError('"local put" needs at least one KEY=- (the value read from standard input), or --stdin');
  const data: Record<string, string> = {};
  const fromStdin: string[] = [];
  for (const pair of more) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`"${pair.split('=')[0]}" is not KEY=- or KEY=VALUE`);
    const key = pair.slice(0, eq);
    if (key in data || fromStdin.includes(key)) throw new UsageError(`key "${key}" is given twice`);
    const value = pair.slice(eq + 1);
    if (value === '-') fromStdin.push(key);
    else data[key] = value;
  }
  if (stdin && fromStdin.length > 0) throw new UsageError('"--stdin" and KEY=- both read standard input: use one of them');
  return { action, vault, secret, data, fromStdin, stdinLines: stdin, cas: positiveInteger('--cas', cas, true) };
}
