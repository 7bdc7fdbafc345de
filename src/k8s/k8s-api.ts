/**
 * The Kubernetes API classes (`KubeDeployment`, `KubeNetworkPolicy`, ...) the kit renders with:
 * cdk8s-plus-28's generated imports, the module `require('cdk8s-plus-28').k8s` is, loaded on its
 * own. The kit uses none of cdk8s-plus's higher-level constructs, whose index loads them all.
 * `import = require` binds the module as it is: an `import * as` would copy its thousand-odd
 * exports into a new namespace object on every load.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, see above
import k8s = require('cdk8s-plus-28/lib/imports/k8s');

export { k8s };
