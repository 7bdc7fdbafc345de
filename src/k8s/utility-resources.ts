import { k8s } from './k8s-api';

/**
 * Resources of the kit's small node utilities (profile installer and loader): bounded CPU and
 * memory, and an ephemeral-storage limit so that even their logs cannot fill the node's disk.
 */
export const UTILITY_CONTAINER_RESOURCES: k8s.ResourceRequirements = {
  requests: { 'cpu': k8s.Quantity.fromString('10m'), 'memory': k8s.Quantity.fromString('16Mi'), 'ephemeral-storage': k8s.Quantity.fromString('16Mi') },
  limits: { 'cpu': k8s.Quantity.fromString('100m'), 'memory': k8s.Quantity.fromString('64Mi'), 'ephemeral-storage': k8s.Quantity.fromString('64Mi') },
};
