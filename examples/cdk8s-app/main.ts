// A cdk8s app that uses sandbox-kit as a library: plan one target, render it as one chart.
// `npm install sandbox-kit cdk8s constructs`, then `npx tsc && npx cdk8s synth`.
import { App } from 'cdk8s';
import { plan, SandboxKitChart } from 'sandbox-kit';

const app = new App();

// The planner picks the strongest sandbox the target allows, and refuses (SandboxConfigError,
// every problem at once) what it cannot run safely.
const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', architectures: ['amd64'] });

// The chart brings everything its plan needs: trust-level namespaces, the seccomp profile
// installer, the services and their NetworkPolicies. At synth it checks its own output against
// each namespace's Pod Security level, the API server's rules and the platform's admission rules.
const chart = new SandboxKitChart(app, 'retool-sandboxes', {
  plan: gke,
  backend: { namespace: 'retool', podLabels: { 'app.kubernetes.io/name': 'retool' } },
  nodeSelector: { 'sandbox.example.com/pool': 'code' },
  // The agent sandbox reads its keys and Postgres URL from Secrets you create in its namespace;
  // the kit names them, never their values.
  agentSandbox: { secretName: 'retool-agent-sandbox', postgres: { urlSecret: { name: 'retool-agent-sandbox', key: 'postgres-url' } } },
});

// Give these to Retool's backend (its chart's environment), e.g. CODE_EXECUTOR_INGRESS_DOMAIN.
for (const e of chart.endpoints) console.log(`${e.env}=${e.url}`);

app.synth();
