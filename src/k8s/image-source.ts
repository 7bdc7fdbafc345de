import { ApiObject, JsonPatch } from 'cdk8s';
import { isFloatingImage, mirrorImage, namesLatest } from '../policy/images';
import { ImageSource } from '../policy/plan';
import { allContainers, PodInManifest, POD_TEMPLATE_KINDS, PodSpecJson } from './manifest';

/** Where the pod spec of an object is, as a JSON pointer; undefined for objects without pods. */
function podSpecPointer(kind: string): string | undefined {
  if (POD_TEMPLATE_KINDS.includes(kind)) return '/spec/template/spec';
  if (kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  if (kind === 'Pod') return '/spec';
  return undefined;
}

function at(json: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined), json);
}

/**
 * Every pod the chart renders pulls from the plan's registry mirror with its pull secrets: one
 * pass over the chart's objects, so that no construct (the kit's or one added later in the same
 * chart) can forget an image. Images of registries other than Docker Hub are left as named.
 */
export function applyImageSource(objects: readonly ApiObject[], source: ImageSource): void {
  for (const o of objects) {
    const pointer = podSpecPointer(o.kind);
    if (!pointer) continue;
    const spec = at(o.toJson(), pointer) as PodSpecJson | undefined;
    if (!spec) continue;
    const patches: JsonPatch[] = [];
    for (const field of ['initContainers', 'containers'] as const) {
      (spec[field] ?? []).forEach((c, i) => {
        if (c.image === undefined) return;
        const mirrored = mirrorImage(c.image, source.registry);
        if (mirrored !== c.image) patches.push(JsonPatch.replace(`${pointer}/${field}/${i}/image`, mirrored));
      });
    }
    if (source.pullSecrets.length) {
      const existing = ((spec as { imagePullSecrets?: { name: string }[] }).imagePullSecrets ?? []).map((s) => s.name);
      const all = [...new Set([...existing, ...source.pullSecrets])].map((name) => ({ name }));
      patches.push(JsonPatch.add(`${pointer}/imagePullSecrets`, all));
    }
    if (patches.length) o.addJsonPatch(...patches);
  }
}

/**
 * What is wrong with the images of the rendered pods: a tag that moves (`:latest`, or none), a
 * Docker Hub image not pulled through the mirror, a pod without the pull secrets. Templates the
 * agent sandbox's controller fills in (`__IMAGE_TAG__`) are checked for their repository only.
 */
export function imageViolations(pods: readonly PodInManifest[], source: ImageSource): string[] {
  const errors: string[] = [];
  for (const pod of pods) {
    for (const c of allContainers(pod.spec)) {
      if (c.image === undefined) continue;
      const image = c.image.replace('__IMAGE_TAG__', 'placeholder');
      if (namesLatest(image) || isFloatingImage(image)) errors.push(`${pod.source}: container ${c.name} runs ${c.image}, a tag that moves (the kit renders no :latest)`);
      if (source.registry && mirrorImage(image, source.registry) !== image) errors.push(`${pod.source}: container ${c.name} pulls ${c.image} from Docker Hub, not through the mirror ${source.registry}`);
    }
    // Templates embedded in ConfigMaps are filled in by their controller; the construct that
    // renders one puts the pull secrets in it (the agent sandbox's job template).
    if (pod.source.startsWith('ConfigMap/')) continue;
    const names = ((pod.spec as { imagePullSecrets?: { name?: string }[] }).imagePullSecrets ?? []).map((s) => s.name);
    const missing = source.pullSecrets.filter((s) => !names.includes(s));
    if (missing.length) errors.push(`${pod.source}: no imagePullSecrets ${missing.join(', ')}`);
  }
  return errors;
}

