import { verified } from './facts';

/**
 * What the API server accepts of a ValidatingAdmissionPolicy and what it lets its CEL spend: the
 * facts behind the sandbox admission policies' size (src/k8s/admission), on every Kubernetes
 * target (the same code in every API server; the limits are constants, not flags, except etcd's).
 *
 * At create time the API server compiles and type-checks each expression
 * (kubernetes/kubernetes pkg/apis/admissionregistration/validation/validation.go, validateValidation
 * -> staging/src/k8s.io/apiserver/pkg/admission/plugin/cel/compile.go CompileCELExpression): it
 * refuses syntax errors, unknown functions, type errors and non-bool results, but runs no static
 * cost estimate for a ValidatingAdmissionPolicy (unlike CRD validation rules). The cost limits
 * bind at admission time only: each expression stops at `perCallLimit` (a program option of the
 * base CEL environment, staging/src/k8s.io/apiserver/pkg/cel/environment/base.go), and all the
 * validations of one policy binding, evaluated on one object, share `runtimeBudget`
 * (policy/validating/validator.go, cel/activation.go: "running out of cost budget"); past either,
 * the policy's failurePolicy decides (the kit's: Fail, so the pod is refused).
 */
export const ADMISSION_POLICY_LIMITS = verified(
  {
    /** CEL cost units one expression may spend per evaluation. */
    perCallLimit: 1_000_000,
    /** CEL cost units all the validations of a policy may spend on one object. */
    runtimeBudget: 10_000_000,
    /** Whether creating a policy checks its expressions' estimated cost (it does not). */
    createTimeCostCheck: false,
    /** The API server's limit on a request body. */
    maxRequestBytes: 3 * 1024 * 1024,
    /** etcd's default limit on one write (`--max-request-bytes`): the smaller, so the binding one. */
    etcdMaxRequestBytes: 1.5 * 1024 * 1024,
  },
  'kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/apis/cel/config.go (PerCallLimit, RuntimeCELCostBudget, MaxRequestSizeBytes; '
    + 'the same values at v1.32.3 and v1.36.3), pkg/apis/admissionregistration/validation/validation.go and staging/src/k8s.io/apiserver/pkg/admission/plugin/cel/compile.go '
    + '(create time: compile and type-check, no cost estimate); etcd-io/etcd server/embed/config.go (DefaultMaxRequestBytes)',
);

/** One rendered sandbox admission policy, as Kubernetes' own code measured it. */
export interface MeasuredAdmissionPolicy {
  /** The kit file it was rendered from: target and options that change the policy. */
  readonly rendering: string;
  /** `Job` or `Pod`: what the policy admits. */
  readonly admits: 'Job' | 'Pod';
  /** Validations in the policy. */
  readonly validations: number;
  /** The policy's size as JSON, bytes. */
  readonly jsonBytes: number;
  /** CEL cost of all its validations on the template's object (admitted), in cost units. */
  readonly runtimeCost: number;
  /** Cost of its costliest single validation on that object. */
  readonly costliestValidation: number;
}

/**
 * The sandbox admission policies measured with Kubernetes' own code, v1.32.3 (k8s.io/apiserver
 * v0.32.3, cel-go v0.22.0; built offline with Go 1.23 from a vendored module tree), on
 * 2026-12-02:
 *
 * - create: each policy of dist/{eks,gke-standard,kubernetes}.k8s.yaml (`npm run synth`, the
 *   repository's kit file) decoded into admissionregistration/v1 and put through the CEL part of
 *   create-time validation as validation.go runs it (createCompiler with
 *   environment.MustBaseEnvSet(DefaultCompatibilityVersion(), strict cost), CompileCELExpression
 *   on every validation and matchCondition, StrictCostEnforcementForVAP on, its default): no
 *   errors, for all six policies, nor for the two of a kit file with agentSandbox.tunDevice
 *   host-path;
 * - run: the admission plugin's own compile step (policy/validating plugin.go compilePolicy) and
 *   Validate with RuntimeCELCostBudget, on the Job and pod the tests build from the template
 *   (test/k8s/admission/api-server.ts: the controller's Job, defaulted, and the Job controller's
 *   pod): both admitted, and the cost is the budget less what the plugin's ForInput leaves; each
 *   validation alone for the costliest; every row of test/k8s/admission/attacks.ts (55 pods,
 *   8 Jobs) denied by this evaluator too;
 * - controls, the same program: a syntax error, a type error, a non-bool result and an unknown
 *   function each refused at create; an expression costing more than the per-call limit accepted
 *   at create and stopped at run time ("actual cost limit exceeded"); 20 expressions of about
 *   541,000 each stopped by the budget; the kit's pod policy with a budget of its cost less one
 *   stopped, with exactly its cost admitted.
 *
 * Kubernetes 1.33 to 1.36 keep the same limits and the same create-time path; they were not built
 * here (they need Go 1.24 or later). A policy that grows should be measured again.
 */
export const SANDBOX_ADMISSION_POLICIES_MEASURED = verified<readonly MeasuredAdmissionPolicy[]>(
  [
    { rendering: 'eks', admits: 'Job', validations: 435, jsonBytes: 170_838, runtimeCost: 11_239, costliestValidation: 110 },
    { rendering: 'eks', admits: 'Pod', validations: 426, jsonBytes: 143_029, runtimeCost: 8_106, costliestValidation: 84 },
    { rendering: 'gke-standard, kubernetes', admits: 'Job', validations: 437, jsonBytes: 172_144, runtimeCost: 11_322, costliestValidation: 110 },
    { rendering: 'gke-standard, kubernetes', admits: 'Pod', validations: 428, jsonBytes: 144_139, runtimeCost: 8_165, costliestValidation: 84 },
    { rendering: 'eks, agentSandbox.tunDevice host-path', admits: 'Job', validations: 475, jsonBytes: 183_679, runtimeCost: 12_137, costliestValidation: 91 },
    { rendering: 'eks, agentSandbox.tunDevice host-path', admits: 'Pod', validations: 466, jsonBytes: 153_179, runtimeCost: 8_715, costliestValidation: 69 },
  ],
  'measured with kubernetes/kubernetes v1.32.3 code (k8s.io/apiserver v0.32.3, kubernetes/apiserver commit d5dc369249382a375fc6cbd707ef16e27157390f, '
    + 'as vendored by open-policy-agent/gatekeeper v3.19.3; a Go program outside this repository, built with GOFLAGS=-mod=vendor GOTOOLCHAIN=local and Go 1.23.5, '
    + 'run as `vapcheck create dist/eks.k8s.yaml dist/gke-standard.k8s.yaml dist/kubernetes.k8s.yaml`, `vapcheck run` and `vapcheck controls`): create-time CEL validation as '
    + 'pkg/apis/admissionregistration/validation/validation.go runs it, and the ValidatingAdmissionPolicy plugin\'s compilePolicy and '
    + 'Validate with RuntimeCELCostBudget (staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating), on the policies of '
    + '`npm run build && npm run synth` (and of the test render with agentSandbox.tunDevice host-path) and the Job and pod of test/k8s/admission, 2026-12-02',
);
