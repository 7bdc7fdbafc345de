import { ApiObject } from 'cdk8s';
import { k8s } from './k8s-api';
import { Construct } from 'constructs';
import { commonLabels } from './labels';
import { JobTemplateInput, PriorityClassValue, SandboxAdmission } from './admission/sandbox-admission';
import { AGENT_SANDBOX_PRIORITY_CLASS, PostgresDestination } from '../policy/agent-sandbox';
import { exceptWithin } from '../policy/egress';
import { METADATA_CIDRS } from './defaults';
import { allowPolicy, apiServerEgress, backendIngress, dnsEgress, internetEgress, NetworkSettings, podsIn, publicAddresses } from './network-policy';

/** The PriorityClass of the sandbox Jobs' pods, as the planner decides it (AGENT_SANDBOX_PRIORITY_CLASS). */
export const SANDBOX_PRIORITY_CLASS: PriorityClassValue = AGENT_SANDBOX_PRIORITY_CLASS;

/** The port of an http(s) URL (explicit, else the scheme's). */
export function urlPort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** Props of AgentSandboxFences. */
export interface AgentSandboxFencesProps {
  /** The one namespace of the controller, the proxy and the sandbox Jobs. */
  readonly namespace: string;
  /** Backend, DNS resolvers and private ranges. */
  readonly network: NetworkSettings;
  /** Labels that select each component's pods. */
  readonly selectors: { readonly sandbox: Readonly<Record<string, string>>; readonly controller: Readonly<Record<string, string>>; readonly proxy: Readonly<Record<string, string>> };
  /** Each component's port (sandbox 3017, controller 3018, proxy 3019). */
  readonly ports: { readonly sandbox: number; readonly controller: number; readonly proxy: number };
  /** The backend's port the proxy calls (BACKEND_URL). */
  readonly backendPort: number;
  /** Where the controller and proxy keep their state: the port, and the ranges (none: any address but the metadata endpoints). */
  readonly postgres: PostgresDestination;
  /**
   * The Job template and the tag the controller fills in, for the admission policies; absent
   * where the cluster has no ValidatingAdmissionPolicy v1 (Kubernetes < 1.30).
   * @default - no admission policies
   */
  readonly admission?: { readonly job: JobTemplateInput; readonly imageTag: string };
}

const tcp = (port: number): k8s.NetworkPolicyPort[] => [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }];

/**
 * The agent sandbox's fences in its namespace:
 * - NetworkPolicies as Retool's chart draws them: a sandbox reaches only DNS (where the target's
 *   resolvers are) and the proxy on its port, and is reached only by the backend, the controller
 *   and the proxy on its port; no route from a sandbox to the controller (which holds the
 *   Job-creating token) either way. The proxy reaches DNS, the sandboxes, the backend and the
 *   internet (no private ranges, no metadata); the controller DNS, the sandboxes and the API
 *   server. Both reach Postgres on its port, in the kit file's ranges where it names them
 *   (Retool's chart leaves that out; the components keep their state there).
 * - The sandbox PriorityClass, and the admission policies that pin every sandbox Job and pod to
 *   the template.
 */
export class AgentSandboxFences extends Construct {
  constructor(scope: Construct, id: string, props: AgentSandboxFencesProps) {
    super(scope, id);
    const { namespace: ns, network, selectors, ports } = props;
    const sandboxPeer = podsIn(ns, selectors.sandbox);
    const controllerPeer = podsIn(ns, selectors.controller);
    const proxyPeer = podsIn(ns, selectors.proxy);
    const backendPeer = podsIn(network.backend.namespace, network.backend.podLabels);
    // Postgres on its port only: to the ranges the kit file names (the metadata endpoints cut out of
    // them), else any address but those (the URL is in a Secret, or a DNS name the kit cannot resolve).
    const pg = props.postgres;
    const postgres: k8s.NetworkPolicyEgressRule = {
      to: pg.cidrs.length
        ? pg.cidrs.map((cidr) => ({ ipBlock: { cidr, ...(exceptWithin(cidr, METADATA_CIDRS).length ? { except: exceptWithin(cidr, METADATA_CIDRS) } : {}) } }))
        : publicAddresses([]),
      ports: tcp(pg.port),
    };
    allowPolicy(this, 'Sandbox', {
      name: 'agent-sandbox-sandbox',
      namespace: ns,
      podLabels: selectors.sandbox,
      ingress: [{ from: [backendPeer, controllerPeer, proxyPeer], ports: tcp(ports.sandbox) }],
      egress: [dnsEgress(network), { to: [proxyPeer], ports: tcp(ports.proxy) }],
    });
    allowPolicy(this, 'Proxy', {
      name: 'agent-sandbox-proxy',
      namespace: ns,
      podLabels: selectors.proxy,
      ingress: [backendIngress(network, ports.proxy), { from: [sandboxPeer], ports: tcp(ports.proxy) }],
      egress: [dnsEgress(network), { to: [sandboxPeer], ports: tcp(ports.sandbox) }, { to: [backendPeer], ports: tcp(props.backendPort) }, internetEgress(network), postgres],
    });
    allowPolicy(this, 'Controller', {
      name: 'agent-sandbox-controller',
      namespace: ns,
      podLabels: selectors.controller,
      ingress: [backendIngress(network, ports.controller)],
      egress: [dnsEgress(network), { to: [sandboxPeer], ports: tcp(ports.sandbox) }, apiServerEgress(), postgres],
    });
    new ApiObject(this, 'PriorityClass', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: SANDBOX_PRIORITY_CLASS.name, labels: commonLabels('agent-sandbox', 'sandbox') },
      value: SANDBOX_PRIORITY_CLASS.value,
      preemptionPolicy: SANDBOX_PRIORITY_CLASS.preemptionPolicy,
      globalDefault: false,
      description: 'sandbox-kit: agent sandbox Jobs (never preempt; the namespace quota counts this class)',
    });
    if (props.admission) {
      new SandboxAdmission(this, 'Admission', { namespace: ns, job: props.admission.job, imageTag: props.admission.imageTag, priorityClass: SANDBOX_PRIORITY_CLASS });
    }
  }
}
