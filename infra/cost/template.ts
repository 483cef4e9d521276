/** A read-only model of one environment's synthesized CloudFormation templates, with reference lookups. */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | readonly string[];
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<
    string,
    { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }
  >;
}

export interface StackTemplate {
  readonly stackName: string;
  readonly region: string;
  readonly template: CfnTemplate;
}

export interface Resource {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
}

const keyOf = (stackName: string, logicalId: string): string => `${stackName}/${logicalId}`;

/** `${Name}` and `${Name.Attribute}` placeholders of an Fn::Sub string. */
function subNames(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!]+)\}/g)].map((m) => (m[1] ?? '').split('.')[0] ?? '');
}

export class EnvironmentModel {
  private readonly byKey = new Map<string, Resource>();
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();
  private readonly referrersByKey = new Map<string, Resource[]>();

  constructor(readonly stacks: readonly StackTemplate[]) {
    for (const stack of stacks) {
      for (const [logicalId, r] of Object.entries(stack.template.Resources ?? {})) {
        this.byKey.set(keyOf(stack.stackName, logicalId), {
          stack,
          logicalId,
          type: r.Type,
          properties: r.Properties ?? {},
        });
      }
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        const name = output.Export?.Name;
        if (typeof name === 'string') this.exports.set(name, { stack, value: output.Value });
      }
    }
    for (const resource of this.byKey.values()) {
      const raw = resource.stack.template.Resources?.[resource.logicalId];
      const dependsOn = raw?.DependsOn === undefined ? [] : [raw.DependsOn].flat();
      const targets = [
        ...this.targets(resource.stack, resource.properties),
        ...dependsOn.flatMap((id) => this.local(resource.stack, id)),
      ];
      for (const target of new Set(targets)) {
        const key = keyOf(target.stack.stackName, target.logicalId);
        this.referrersByKey.set(key, [...(this.referrersByKey.get(key) ?? []), resource]);
      }
    }
  }

  /** Every resource of every stack, in template order. */
  resources(): Resource[] {
    return [...this.byKey.values()];
  }

  ofType(type: string): Resource[] {
    return this.resources().filter((r) => r.type === type);
  }

  /**
   * Resources that `value` (a property value of a resource in `stack`) points at, through Ref, Fn::GetAtt,
   * Fn::Sub placeholders, or Fn::ImportValue of another stack's export.
   */
  targets(stack: StackTemplate, value: unknown): Resource[] {
    const found: Resource[] = [];
    const visit = (v: unknown, s: StackTemplate): void => {
      if (Array.isArray(v)) {
        for (const item of v) visit(item, s);
        return;
      }
      if (v === null || typeof v !== 'object') return;
      for (const [key, inner] of Object.entries(v as Record<string, unknown>)) {
        if (key === 'Ref' && typeof inner === 'string') found.push(...this.local(s, inner));
        else if (key === 'Fn::GetAtt') {
          const id = Array.isArray(inner)
            ? inner[0]
            : typeof inner === 'string'
              ? inner.split('.')[0]
              : undefined;
          if (typeof id === 'string') found.push(...this.local(s, id));
        } else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? inner[0] : inner;
          if (typeof text === 'string') for (const id of subNames(text)) found.push(...this.local(s, id));
          if (Array.isArray(inner)) visit(inner[1], s);
        } else if (key === 'Fn::ImportValue' && typeof inner === 'string') {
          const exported = this.exports.get(inner);
          if (exported) visit(exported.value, exported.stack);
        } else visit(inner, s);
      }
    };
    visit(value, stack);
    return [...new Set(found)];
  }

  /** The one resource `value` points at, or undefined when it points at none (or at several). */
  target(stack: StackTemplate, value: unknown, type?: string): Resource | undefined {
    const all = this.targets(stack, value).filter((r) => type === undefined || r.type === type);
    return all.length === 1 ? all[0] : undefined;
  }

  /** Resources whose properties or DependsOn point at `resource`, optionally of one type. */
  referrers(resource: Resource, type?: string): Resource[] {
    const all = this.referrersByKey.get(keyOf(resource.stack.stackName, resource.logicalId)) ?? [];
    return type === undefined ? all : all.filter((r) => r.type === type);
  }

  /** True when `value` (read from `from`) points at `resource`. */
  pointsAt(from: Resource, value: unknown, resource: Resource): boolean {
    return this.targets(from.stack, value).includes(resource);
  }

  private local(stack: StackTemplate, logicalId: string): Resource[] {
    const r = this.byKey.get(keyOf(stack.stackName, logicalId));
    return r ? [r] : [];
  }
}

/** Reads a property path such as `DistributionConfig.Logging.Bucket`; undefined when any step is missing. */
export function prop(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A literal number at `path` (CloudFormation also accepts numeric strings); undefined otherwise. */
export function numberAt(value: unknown, path: string): number | undefined {
  const v = prop(value, path);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function stringAt(value: unknown, path: string): string | undefined {
  const v = prop(value, path);
  return typeof v === 'string' ? v : undefined;
}

export function arrayAt(value: unknown, path: string): unknown[] {
  const v = prop(value, path);
  return Array.isArray(v) ? v : [];
}
