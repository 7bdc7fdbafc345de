// A cdk8s app that composes the agent sandbox itself instead of rendering SandboxKitChart.
// `npm install sandbox-kit cdk8s constructs`, then `npx tsc && npx cdk8s synth`.
import { App, Chart } from 'cdk8s';
import {
  AgentSandbox, DEFAULT_DEVICE_PLUGIN_IMAGE, plan, referencedProfiles, SeccompProfileInstaller, TrustNamespace, TunDevicePlugin,
} from 'sandbox-kit';

const app = new App();
const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'], services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false } } });
const agentPlan = eks.services.find((s) => s.service === 'agent-sandbox')!;
const chart = new Chart(app, 'agent-sandbox');
const sandboxNodes = { 'sandbox.example.com/pool': 'agent' };

// AgentSandbox brings what lives in its namespace: controller, proxy, Job template,
// NetworkPolicies, PriorityClass, admission policies, ResourceQuota, LimitRange, prepuller.
const agent = new AgentSandbox(chart, 'agent', {
  plan: agentPlan,
  kubernetesVersion: eks.kubernetesVersion,
  nodeSelector: sandboxNodes,
  agentSandbox: { secretName: 'retool-agent-sandbox', postgres: { urlSecret: { name: 'retool-agent-sandbox', key: 'postgres-url' } } },
});

// What a cluster shares, the app adds once; leave any of it out and synth names it at agent-sandbox/agent.
new TrustNamespace(chart, 'agent-namespace', {
  name: agent.namespace, trust: 'user-code', podSecurityLevel: agentPlan.podSecurityLevel, podSecurityReason: agentPlan.podSecurityReason,
});
new TrustNamespace(chart, 'system-namespace', {
  name: 'sandbox-kit-system', trust: 'node-installer', podSecurityLevel: 'privileged',
  podSecurityReason: 'the seccomp profile installer and the tun device plugin mount node directories (hostPath)',
});
new SeccompProfileInstaller(chart, 'seccomp-installer', { profiles: referencedProfiles(eks), architectures: agentPlan.architectures, nodeSelector: sandboxNodes });
if (agentPlan.agent?.tunDevice === 'device-plugin') {
  new TunDevicePlugin(chart, 'tun-device-plugin', {
    image: DEFAULT_DEVICE_PLUGIN_IMAGE, priorityClassName: 'system-node-critical', maxDevices: 130,
    priorityQuota: agentPlan.agent.devicePluginPriorityQuota, nodeSelector: sandboxNodes,
  });
}

console.log(`AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN=${agent.controllerUrl}`);
app.synth();
