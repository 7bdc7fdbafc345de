import { TARGETS } from '../targets';
import { AGENT_SANDBOX_DEPARTURES } from './agent-sandbox';
import { agentSandboxDepartures, retoolDepartures, RETOOL_CONTRACT_SOURCE } from './departures';
import { ContainerSecurity, DeploymentPlan, SandboxPlan, SeccompSetting } from './plan';
import { RUN_AS_ROOT_USERNS_RELAXATION } from '../targets/pod-security-standards';

function seccompText(s: SeccompSetting, delivery?: string): string {
  switch (s.type) {
    case 'RuntimeDefault': return 'RuntimeDefault';
    case 'Unconfined': return 'Unconfined (privileged containers ignore seccomp)';
    case 'Localhost': return `Localhost ${s.localhostProfile} (kit profile "${s.profile}", delivered by ${delivery})`;
    case 'DockerDaemonDefault': return `dockerd default profile ${s.path} (kit profile "${s.profile}", on a dedicated capacity provider)`;
  }
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

/** The settings of one container as label/value rows. */
export function securityRows(c: ContainerSecurity, delivery?: string): [string, string][] {
  return [
    ['privileged', yesNo(c.privileged)],
    ['capabilities', `drop ${c.capabilitiesDrop.join(',') || '-'}; add ${c.capabilitiesAdd.join(',') || '-'}`],
    ['seccomp', seccompText(c.seccomp, delivery)],
    ['procMount', c.procMount],
    ['hostUsers', String(c.hostUsers)],
    ['user', `${c.runAsUser}:${c.runAsGroup}${c.runAsNonRoot ? ' (runAsNonRoot)' : ''}`],
    ['read-only root', `${yesNo(c.readOnlyRootFilesystem)}${c.writablePaths.length ? ` (writable: ${c.writablePaths.join(', ')})` : ''}`],
    ['allowPrivilegeEscalation', String(c.allowPrivilegeEscalation)],
    ['AppArmor', c.appArmor ? `${c.appArmor.type === 'Localhost' ? `Localhost ${c.appArmor.profile}` : c.appArmor.type}${c.appArmorReason ? `: ${c.appArmorReason}` : ''}` : '- (node has no AppArmor, or the runtime decides)'],
    ['runtimeClassName', c.runtimeClassName ?? '-'],
  ];
}

function table(rows: [string, string][], indent = '  '): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

/** A readable description of one service's plan. */
export function describeServicePlan(p: SandboxPlan): string {
  const versions = Object.entries(p.minimumVersions).map(([k, v]) => `${k} >= ${v}`).join(', ');
  const head: [string, string][] = [
    ['mode', `${p.mode}${p.chosenByAuto ? ' (auto)' : ' (requested)'}${p.placement !== p.target ? ` on ${p.placement} capacity` : ''}`],
    ['why', p.reason],
    ['boundary', p.boundary],
    ['pod security', `${p.podSecurityLevel}${p.podSecurityReason ? ` (${p.podSecurityReason})` : ''}`],
    ['jail', `namespaces ${yesNo(p.jail.namespaces)}, procfs ${p.jail.procfs}, cgroups ${yesNo(p.jail.cgroups)}`],
    ['env', Object.entries(p.env).map(([k, v]) => `${k}=${v}`).join(' ') || '-'],
    ...(p.sandbox.imageUser ? [['start', `as root, as Retool's image needs: its entrypoint drops to retool_user with runuser${p.sandbox.privileged ? '' : ' (SETUID, SETGID)'}${p.sandbox.hostUsers ? '' : `; with hostUsers: false uid 0 is an unprivileged uid on the host, and Pod Security's restricted user checks pass such a pod from Kubernetes ${RUN_AS_ROOT_USERNS_RELAXATION.value} (before, behind the alpha UserNamespacesPodSecurityStandards gate, off by default); the level here is ${p.podSecurityLevel}`}`] as [string, string]] : []),
    ...(p.retoolEgress ? [['egress blocks', `${p.retoolEgress.ranges.join(', ')} by ${p.retoolEgress.enforcedBy}: ${p.retoolEgress.reason}${p.retoolEgress.residualRisks.length ? `; still open: ${p.retoolEgress.residualRisks.join('; ')}` : ''}`] as [string, string]] : []),
    ...(p.terminationGracePeriodSeconds !== undefined ? [['grace period', `${p.terminationGracePeriodSeconds} s`] as [string, string]] : []),
    ['minimum versions', versions || '-'],
    ['image', p.image],
    ['resources', `requests ${p.resources.requests.cpu} CPU / ${p.resources.requests.memory}; limits ${p.resources.limits.cpu} CPU / ${p.resources.limits.memory}`],
  ];
  const out = [`${p.service}`, table([...head, ...securityRows(p.sandbox, p.profileDelivery)])];
  if (p.components.some((c) => !c.runsUserCode)) {
    out.push(`  other containers (${p.components.filter((c) => !c.runsUserCode).map((c) => c.name).join(', ')}):`);
    out.push(table(securityRows(p.supporting), '    '));
  }
  if (p.agent) {
    const a = p.agent;
    out.push('  agent sandbox:');
    out.push(table([
      ['/dev/net/tun', `${a.tunDevice}: ${a.tunDeviceReason}`],
      ['image prepuller', `${a.imagePrepuller ? 'on' : 'off'}: ${a.imagePrepullerReason}`],
      ['rootfs-etc-copy', a.rootfsEtcCopy === 'unprivileged'
        ? 'uid 1001, no capability, /etc/shadow skipped (Retool\'s chart after retool-helm#379)'
        : 'uid 0 with DAC_READ_SEARCH (Retool\'s chart before retool-helm#379); open_by_handle_at stays denied by the sandbox profile it runs under'],
      ...(a.network ? [['network', `DNS to k8s-app in (${a.network.dns.k8sAppLabels.join(', ')}) in ${a.network.dns.namespace}${a.network.dns.cidrs.length ? ` and ${a.network.dns.cidrs.join(', ')}` : ''} on 53; Postgres on ${a.network.postgres.port} to ${a.network.postgres.cidrs.length ? a.network.postgres.cidrs.join(', ') : 'any address but the metadata endpoints'}`] as [string, string]] : []),
      ['departures', AGENT_SANDBOX_DEPARTURES.join('; ')],
    ], '    '));
  }
  const departures = [...retoolDepartures(p), ...agentSandboxDepartures(p)];
  if (departures.length) {
    out.push(`  departures from Retool's settings (${RETOOL_CONTRACT_SOURCE}):`);
    out.push(...departures.map((d) => `    - ${d.setting}: Retool ${d.retool}; the kit ${d.kit}. Why: ${d.why}`));
  }
  if (p.nodePrerequisites.length) {
    out.push('  node prerequisites:');
    out.push(...p.nodePrerequisites.map((n) => `    - ${n}`));
  }
  out.push('  remaining risks:');
  out.push(...p.risks.map((r) => `    - ${r.category}: ${r.sentence}`));
  out.push('  assumptions relied on:');
  out.push(...(p.assumptions.length
    ? p.assumptions.map((a) => `    - ${a.what} [${a.fact.confidence}: ${a.fact.source}]${a.fact.note ? ` (${a.fact.note})` : ''}`)
    : ['    - none (every fact used is verified)']));
  return out.join('\n');
}

/** A readable description of a whole deployment plan. */
export function describePlan(d: DeploymentPlan): string {
  const facts = TARGETS[d.target];
  const header = `== ${facts.displayName} (${d.target})${d.kubernetesVersion ? `, Kubernetes ${d.kubernetesVersion}` : ''}`;
  return [header, ...d.services.map(describeServicePlan)].join('\n\n');
}

/** The catalog record of a target: every fact with its confidence and source. */
export function describeTargetFacts(name: keyof typeof TARGETS): string {
  const t = TARGETS[name];
  const rows: [string, string][] = [];
  for (const [key, v] of Object.entries(t)) {
    if (typeof v !== 'object' || v === null || !('confidence' in v)) continue;
    const fact = v as { value: unknown; confidence: string; source: string; note?: string };
    rows.push([key, `${JSON.stringify(fact.value)}  [${fact.confidence}] ${fact.source}${fact.note ? ` — ${fact.note}` : ''}`]);
  }
  return [`== ${t.displayName} (${t.name}): platform facts`, table(rows)].join('\n');
}
