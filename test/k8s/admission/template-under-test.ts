import { JOB_TEMPLATE_KEY, AGENT_SANDBOX_NAMES } from '../../../src/k8s/agent-sandbox-job';
import { SANDBOX_PRIORITY_CLASS } from '../../../src/k8s/agent-sandbox-fences';
import { AdmissionPolicyJson, JobTemplateInput, PriorityClassValue } from '../../../src/k8s/admission/sandbox-admission';
import { KubeObject } from '../../../src/k8s/manifest';
import { SandboxKitConfig } from '../../../src/policy/config';
import { render } from '../helpers';

/** The Job template the admission tests run on, with the policies the kit renders for it. */
export interface SandboxUnderTest {
  readonly job: JobTemplateInput;
  readonly imageTag: string;
  readonly priorityClass?: PriorityClassValue;
  readonly policies: { readonly job: AdmissionPolicyJson; readonly pod: AdmissionPolicyJson };
  readonly namespace: string;
}

/**
 * Rendered as synth renders it: the Job template read back from the controller's ConfigMap, the
 * tag from the controller's DEPLOYED_IMAGE_TAG, the policies as the chart writes them.
 */
export function sandboxUnderTest(config: SandboxKitConfig = { target: 'eks', retoolVersion: '3.334.0-stable' }): SandboxUnderTest {
  const { objects } = render(config);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === AGENT_SANDBOX_NAMES.jobTemplate);
  if (!cm) throw new Error('no Job template ConfigMap rendered');
  const job = JSON.parse((cm.data as Record<string, string>)[JOB_TEMPLATE_KEY]) as JobTemplateInput;
  const controller = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === AGENT_SANDBOX_NAMES.controller) as KubeObject & { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
  const imageTag = controller.spec.template.spec.containers[0].env.find((e) => e.name === 'DEPLOYED_IMAGE_TAG')!.value!;
  const policy = (suffix: string) => objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata?.name?.endsWith(suffix)) as unknown as AdmissionPolicyJson;
  return { job, imageTag, priorityClass: SANDBOX_PRIORITY_CLASS, policies: { job: policy('-jobs'), pod: policy('-pods') }, namespace: cm.metadata!.namespace! };
}
