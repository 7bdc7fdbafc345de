import { SandboxConfigError } from '../policy/errors';
import { ConfigProblem } from '../policy/errors';
import { Cidr, DnsSubdomain } from './names';

/**
 * A Secret name (a DNS subdomain).
 * @pattern ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$
 * @mismatch is not a valid Secret name (a DNS subdomain)
 * @example "retool-agent-sandbox"
 */
export type SecretName = string;

/**
 * A key of a Secret.
 * @pattern ^[-._a-zA-Z0-9]+$
 * @mismatch is not a valid Secret key (alphanumerics, "-", "_", ".")
 * @example "postgres-url"
 */
export type SecretKey = string;

/** One key of an existing Secret in the agent sandbox's namespace. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly name: SecretName;
  /**
   * Key in it.
   * @default - "postgres-url" for urlSecret, "password" for passwordSecret (Retool's chart's defaults)
   */
  readonly key?: SecretKey;
}

/**
 * Where the controller and proxy keep their state: Postgres, named by an existing Secret that
 * holds a connection URL (`urlSecret`), or by host fields with the password in a Secret. The kit
 * never takes a password or URL as a value.
 */
export interface AgentSandboxPostgres {
  /**
   * A Secret key holding the whole URL (`AGENT_SANDBOX_POSTGRES_URL`).
   * @default - none: host, database, user and passwordSecret then
   */
  readonly urlSecret?: SecretKeyReference;
  /**
   * Host of the database (with database, user and passwordSecret).
   * @default - none
   * @example "retool-postgres.retool.svc.cluster.local"
   */
  readonly host?: DnsSubdomain;
  /**
   * Port. With host fields, the port of the URL the kit assembles. With `urlSecret`, the port the
   * URL in the Secret names, which the kit cannot read: only the NetworkPolicies use it (for
   * instance 6432 for a PgBouncer).
   * @asType integer
   * @minimum 1
   * @maximum 65535
   * @default 5432
   */
  readonly port?: number;
  /**
   * Address ranges the database lies in: the controller's and proxy's NetworkPolicies then allow
   * the Postgres port to these only. The kit cannot resolve the host or read the URL's Secret.
   * @minItems 1
   * @default - none: the Postgres port open to any address but the metadata endpoints (explain names it as a risk)
   * @example ["10.20.0.0/24"]
   */
  readonly cidrs?: readonly Cidr[];
  /**
   * Database name.
   * @pattern ^[^\s:/?#]+$
   * @mismatch contains a character that breaks the URL Retool's image assembles (whitespace, : / ? #)
   * @default - none
   */
  readonly database?: string;
  /**
   * User.
   * @pattern ^[^\s:/?#]+$
   * @mismatch contains a character that breaks the URL Retool's image assembles (whitespace, : / ? #)
   * @default - none
   */
  readonly user?: string;
  /**
   * The Secret key holding the password (`PGPASSWORD`); with urlSecret, for a URL without password.
   * @default - none
   */
  readonly passwordSecret?: SecretKeyReference;
  /**
   * Schema of the agent sandbox's tables.
   * @pattern ^[a-z_][a-z0-9_]*$
   * @default "agent_executor"
   */
  readonly schema?: string;
  /**
   * Connections per controller or proxy process.
   * @asType integer
   * @minimum 1
   * @default 10
   */
  readonly poolMax?: number;
  /**
   * How often stale state is swept, in milliseconds.
   * @asType integer
   * @minimum 1000
   * @default 60000
   */
  readonly sweeperIntervalMs?: number;
}

/** The controller's scaling (Retool's chart: rr.agentSandbox.controller.scaling). */
export interface AgentSandboxScaling {
  /**
   * Warm sandbox Jobs kept ready (`PREWARM_POOL_SIZE`).
   * @asType integer
   * @minimum 0
   * @default 5
   */
  readonly prewarmPoolSize?: number;
  /**
   * Most sandbox Jobs at once, warm ones included (`MAX_TOTAL_JOBS`).
   * @asType integer
   * @minimum 1
   * @default 50
   */
  readonly maxTotalJobs?: number;
  /**
   * Most Jobs being created at once (`MAX_CONCURRENT_CREATES`).
   * @asType integer
   * @minimum 1
   * @default 3
   */
  readonly maxConcurrentCreates?: number;
  /**
   * Seconds a finished Job is kept (`JOB_RETENTION_SECONDS`, and the Jobs' ttlSecondsAfterFinished).
   * @asType integer
   * @minimum 0
   * @default 300
   */
  readonly jobRetentionSeconds?: number;
  /**
   * Seconds an assigned sandbox lives (`ASSIGNED_SANDBOX_TTL_SECONDS`).
   * @asType integer
   * @minimum 1
   * @default 3600
   */
  readonly assignedSandboxTtlSeconds?: number;
  /**
   * Reconcile period in milliseconds (`RECONCILE_INTERVAL_MS`).
   * @asType integer
   * @minimum 100
   * @default 5000
   */
  readonly reconcileIntervalMs?: number;
  /**
   * Leader lease in Postgres, milliseconds (`LEADER_TTL_MS`).
   * @asType integer
   * @minimum 1000
   * @default 10000
   */
  readonly leaderTtlMs?: number;
  /**
   * Leader renewal period, milliseconds (`LEADER_RENEW_MS`).
   * @asType integer
   * @minimum 100
   * @default 3000
   */
  readonly leaderRenewMs?: number;
  /**
   * Sandboxes one user may hold at once (`PER_USER_CONCURRENCY_PAID`).
   * @asType integer
   * @minimum 1
   * @default 5
   */
  readonly perUserSandboxLimit?: number;
}

/** Settings of the sandbox Jobs (Retool's chart: rr.agentSandbox.sandbox). */
export interface AgentSandboxJobOptions {
  /**
   * Idle sandbox lifetime, milliseconds (`SANDBOX_IDLE_TIMEOUT_MS`).
   * @asType integer
   * @minimum 1000
   * @default 600000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Longest sandbox lifetime, milliseconds (`SANDBOX_GLOBAL_LIFETIME_MS`).
   * @asType integer
   * @minimum 1000
   * @default 9000000
   */
  readonly globalLifetimeMs?: number;
  /**
   * Time a sandbox has to become ready, milliseconds (`SANDBOX_READY_TIMEOUT_MS`).
   * @asType integer
   * @minimum 1000
   * @default 20000
   */
  readonly readyTimeoutMs?: number;
  /**
   * sizeLimit of the sandbox's /tmp emptyDir.
   * @pattern ^[0-9]+(Ki|Mi|Gi|Ti)$
   * @default "20Gi"
   */
  readonly tmpSizeLimit?: string;
  /**
   * sizeLimit of the sandbox's /opt/sandbox-env/rootfs/app/job emptyDir.
   * @pattern ^[0-9]+(Ki|Mi|Gi|Ti)$
   * @default "2Gi"
   */
  readonly rootfsSizeLimit?: string;
}

/** Settings of the proxy (Retool's chart: rr.agentSandbox.proxy). */
export interface AgentSandboxProxyOptions {
  /**
   * The backend's in-cluster URL (`BACKEND_URL`).
   * @default - "http://retool.<backend namespace>.svc.<cluster domain>:3000" (Retool's chart's Service name and port for a release "retool")
   */
  readonly backendUrl?: string;
  /**
   * Domains the proxy lets sandboxes reach (`ALLOWED_DOMAINS`, comma separated).
   * @default - not set (the image's default)
   */
  readonly allowedDomains?: string;
  /**
   * Domain suffixes the proxy treats as the backend (`BACKEND_DOMAIN_SUFFIXES`).
   * @default - not set
   */
  readonly backendDomainSuffixes?: string;
  /**
   * Proxy timeout, milliseconds (`SANDBOX_PROXY_TIMEOUT_MS`).
   * @asType integer
   * @minimum 1000
   * @default 180000
   */
  readonly sandboxProxyTimeoutMs?: number;
}

/** The smarter-device-manager DaemonSet (agentSandbox.tunDevice "device-plugin"). */
export interface DevicePluginOptions {
  /**
   * Image, pinned by digest: it runs on every sandbox node with the kubelet's device-plugin
   * directory mounted.
   * @pattern ^[^\s@]+@sha256:[0-9a-f]{64}$
   * @mismatch is not an image reference pinned by digest
   * @default - DEFAULT_DEVICE_PLUGIN_IMAGE (smarter-device-manager v1.20.12)
   */
  readonly image?: string;
  /**
   * PriorityClass of the device plugin pods; empty for none. On GKE a critical class outside
   * kube-system needs a ResourceQuota for it, which the kit renders.
   * @default "system-node-critical"
   */
  readonly priorityClassName?: string;
  /**
   * Sandbox pods per node that can hold /dev/net/tun (`nummaxdevices`).
   * @asType integer
   * @minimum 1
   * @default 130
   */
  readonly maxDevices?: number;
}

/** The agent sandbox's renderer options (`kubernetes.renderer.agentSandbox`). */
export interface AgentSandboxRendererOptions {
  /**
   * The existing Secret, in the agent sandbox's namespace, with the keys `jwt-public-key`,
   * `jwt-private-key`, `encryption-key` (64 hex characters, the backend's value) and optionally
   * `postgres-url`. Required where the agent sandbox is deployed: the kit never holds their values.
   * @default - none (synth refuses a plan with the agent sandbox)
   */
  readonly secretName?: SecretName;
  /**
   * The Postgres connection of the controller and proxy. Required where the agent sandbox is deployed.
   * @default - none (synth refuses a plan with the agent sandbox)
   */
  readonly postgres?: AgentSandboxPostgres;
  /**
   * The controller's scaling.
   * @default - Retool's chart's defaults
   */
  readonly scaling?: AgentSandboxScaling;
  /**
   * Sandbox Jobs.
   * @default - Retool's chart's defaults
   */
  readonly sandbox?: AgentSandboxJobOptions;
  /**
   * Proxy.
   * @default - Retool's chart's defaults
   */
  readonly proxy?: AgentSandboxProxyOptions;
  /**
   * Device plugin (agentSandbox.tunDevice "device-plugin").
   * @default - DEFAULT_DEVICE_PLUGIN_IMAGE, system-node-critical, 130 devices
   */
  readonly devicePlugin?: DevicePluginOptions;
}

/**
 * smarter-device-manager v1.20.12 (the tag Retool's chart deploys), pinned by its manifest-list
 * digest as recorded in lovesegfault/rio-build nix/docker-pulled.nix (a fixed-output derivation
 * that pulls it): https://github.com/lovesegfault/rio-build/blob/f09af0bda79204d9e1c476ca8f2a9a647de7f247/nix/docker-pulled.nix
 */
export const DEFAULT_DEVICE_PLUGIN_IMAGE = 'ghcr.io/smarter-project/smarter-device-manager:v1.20.12@sha256:228f7f44594a3182571559e62f2e3fe8a3f26180fb5dd7fc0cb7bf7d22a5bbcd';

/** Retool's chart's defaults (tryretool/retool-helm charts/retool/values.yaml, rr.agentSandbox). */
export const AGENT_SANDBOX_DEFAULTS = {
  postgres: { schema: 'agent_executor', poolMax: 10, sweeperIntervalMs: 60000, port: 5432, urlKey: 'postgres-url', passwordKey: 'password' },
  scaling: {
    prewarmPoolSize: 5, maxTotalJobs: 50, maxConcurrentCreates: 3, jobRetentionSeconds: 300, assignedSandboxTtlSeconds: 3600,
    reconcileIntervalMs: 5000, leaderTtlMs: 10000, leaderRenewMs: 3000, perUserSandboxLimit: 5,
  },
  sandbox: { idleTimeoutMs: 600000, globalLifetimeMs: 9000000, readyTimeoutMs: 20000, tmpSizeLimit: '20Gi', rootfsSizeLimit: '2Gi' },
  proxy: { sandboxProxyTimeoutMs: 180000 },
  devicePlugin: { image: DEFAULT_DEVICE_PLUGIN_IMAGE, priorityClassName: 'system-node-critical', maxDevices: 130 },
} as const;

/** The Postgres connection, resolved. */
export type ResolvedPostgres =
  | { readonly kind: 'url'; readonly url: Required<SecretKeyReference>; readonly password?: Required<SecretKeyReference> }
  | { readonly kind: 'host'; readonly host: string; readonly port: number; readonly database: string; readonly user: string; readonly password: Required<SecretKeyReference> };

/** Agent sandbox renderer options with defaults, once secrets are named. */
export interface ResolvedAgentSandboxOptions {
  readonly secretName: string;
  readonly postgres: ResolvedPostgres & { readonly schema: string; readonly poolMax: number; readonly sweeperIntervalMs: number };
  readonly scaling: Required<AgentSandboxScaling>;
  readonly sandbox: Required<AgentSandboxJobOptions>;
  readonly proxy: { readonly backendUrl?: string; readonly allowedDomains?: string; readonly backendDomainSuffixes?: string; readonly sandboxProxyTimeoutMs: number };
  readonly devicePlugin: Required<DevicePluginOptions>;
}

/**
 * Where the controller and proxy reach Postgres (what the NetworkPolicies open; no Secret
 * needed): `postgres.port` (the host fields' port, or the port the URL in `urlSecret` names, which
 * the kit cannot read), else Postgres's default, and the kit file's ranges.
 */
export function agentSandboxPostgresDestination(o: AgentSandboxRendererOptions | undefined): { port: number; cidrs: string[] } {
  const pg = o?.postgres;
  return { port: pg?.port ?? AGENT_SANDBOX_DEFAULTS.postgres.port, cidrs: [...(pg?.cidrs ?? [])] };
}

/** Scaling with defaults (what the fences size quotas from; no Secret needed). */
export function agentSandboxScaling(o: AgentSandboxRendererOptions | undefined): Required<AgentSandboxScaling> {
  return { ...AGENT_SANDBOX_DEFAULTS.scaling, ...(o?.scaling ?? {}) };
}

/**
 * Apply defaults, and refuse when the Secret or the Postgres connection is not named: one
 * SandboxConfigError listing both. `field` is where the options sit in the kit file.
 */
export function resolveAgentSandboxRendererOptions(o: AgentSandboxRendererOptions | undefined, field = 'kubernetes.renderer.agentSandbox'): ResolvedAgentSandboxOptions {
  const problems: ConfigProblem[] = [];
  if (!o?.secretName) {
    problems.push({
      field: `${field}.secretName`,
      message: 'the agent sandbox needs its keys (JWT public and private key, encryption key) from an existing Secret, and none is named; the kit never holds their values and cannot see the cluster',
      alternatives: [`${field}.secretName: the name of a Secret in the agent sandbox's namespace with keys jwt-public-key, jwt-private-key, encryption-key (and optionally postgres-url)`, 'services.agent-sandbox.enabled: false'],
    });
  }
  const pg = o?.postgres;
  const d = AGENT_SANDBOX_DEFAULTS.postgres;
  let conn: ResolvedPostgres | undefined;
  const hostFields = pg && (pg.host !== undefined || pg.database !== undefined || pg.user !== undefined);
  if (pg?.urlSecret && hostFields) {
    problems.push({ field: `${field}.postgres`, message: 'names both urlSecret and host fields; the controller reads one URL', alternatives: ['urlSecret only', 'host, database, user and passwordSecret only'] });
  } else if (pg?.urlSecret) {
    conn = {
      kind: 'url',
      url: { name: pg.urlSecret.name, key: pg.urlSecret.key ?? d.urlKey },
      ...(pg.passwordSecret ? { password: { name: pg.passwordSecret.name, key: pg.passwordSecret.key ?? d.passwordKey } } : {}),
    };
  } else if (hostFields) {
    const missing = (['host', 'database', 'user', 'passwordSecret'] as const).filter((k) => pg?.[k] === undefined);
    if (missing.length) {
      problems.push({ field: `${field}.postgres`, message: `host fields need ${missing.join(', ')} too (the password only from a Secret)`, alternatives: [`${field}.postgres.${missing[0]}`, `${field}.postgres.urlSecret instead`] });
    } else {
      conn = {
        kind: 'host', host: pg!.host!, port: pg!.port ?? d.port, database: pg!.database!, user: pg!.user!,
        password: { name: pg!.passwordSecret!.name, key: pg!.passwordSecret!.key ?? d.passwordKey },
      };
    }
  } else {
    problems.push({
      field: `${field}.postgres`,
      message: 'the agent sandbox controller and proxy keep their state and leader election in Postgres, and no connection is named',
      alternatives: [`${field}.postgres.urlSecret: { name, key } of a Secret holding the URL (e.g. the agent sandbox Secret's postgres-url)`, `${field}.postgres: host, database, user and passwordSecret`],
    });
  }
  if (problems.length) throw new SandboxConfigError('sandbox-kit agent sandbox options', problems);
  return {
    secretName: o!.secretName!,
    postgres: { ...conn!, schema: pg?.schema ?? d.schema, poolMax: pg?.poolMax ?? d.poolMax, sweeperIntervalMs: pg?.sweeperIntervalMs ?? d.sweeperIntervalMs },
    scaling: agentSandboxScaling(o),
    sandbox: { ...AGENT_SANDBOX_DEFAULTS.sandbox, ...(o?.sandbox ?? {}) },
    proxy: { sandboxProxyTimeoutMs: AGENT_SANDBOX_DEFAULTS.proxy.sandboxProxyTimeoutMs, ...(o?.proxy ?? {}) },
    devicePlugin: { ...AGENT_SANDBOX_DEFAULTS.devicePlugin, ...(o?.devicePlugin ?? {}) },
  };
}
