/**
 * CloudFormation `Fn::Base64` / `Fn::Join` values (user data) as plain text, with `Ref`s as
 * `${LogicalId}` and other intrinsics as `${<json>}`: how tests and the behavioural harness read
 * back what an instance will run.
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(cfnText).join('');
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::Base64' in o) return cfnText(o['Fn::Base64']);
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(cfnText).join(sep);
    }
    if ('Ref' in o) return `\${${String(o.Ref)}}`;
    return `\${${JSON.stringify(o)}}`;
  }
  return String(value);
}
