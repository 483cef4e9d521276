import type { Template } from 'aws-cdk-lib/assertions';

/** A request as WAF sees it: the source address and the header keys and values. */
export interface WafRequest {
  readonly sourceIp: string;
  readonly headers: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

/**
 * Evaluates the synthesized WAF statements this repository uses — ByteMatch on header keys or a single header
 * (with LOWERCASE), IPSetReference, And/Or/Not, managed rule groups (treated as not matching) — the way WAF
 * documents them. Unknown statements throw, so a test never passes on a statement it did not understand.
 */
export class WafModel {
  private readonly ipSets = new Map<string, readonly string[]>();

  constructor(template: Template) {
    for (const [id, r] of Object.entries(template.findResources('AWS::WAFv2::IPSet'))) {
      this.ipSets.set(id, (r.Properties as { Addresses: string[] }).Addresses);
    }
  }

  /**
   * The name of the first rule (by priority) whose statement matches, or undefined (the default action). For a
   * rate-based rule, matching means the request counts towards its address's limit.
   */
  firstMatch(rules: readonly Json[], request: WafRequest): string | undefined {
    const ordered = [...rules].sort((a, b) => (a.Priority as number) - (b.Priority as number));
    return ordered.find((r) => this.matches(r.Statement as Json, request))?.Name as string | undefined;
  }

  matches(statement: Json, request: WafRequest): boolean {
    const [kind, body] = Object.entries(statement)[0] as [string, Json];
    switch (kind) {
      case 'AndStatement':
        return (body.Statements as Json[]).every((s) => this.matches(s, request));
      case 'OrStatement':
        return (body.Statements as Json[]).some((s) => this.matches(s, request));
      case 'NotStatement':
        return !this.matches(body.Statement as Json, request);
      case 'IPSetReferenceStatement':
        return this.inIpSet(body.Arn, request.sourceIp);
      case 'ByteMatchStatement':
        return byteMatch(body, request);
      case 'ManagedRuleGroupStatement':
        return false;
      case 'RateBasedStatement':
        // Whether the rate rule counts this request at all: its scope-down statement, if any.
        return (
          body.ScopeDownStatement === undefined || this.matches(body.ScopeDownStatement as Json, request)
        );
      default:
        throw new Error(`the test WAF model does not know ${kind}`);
    }
  }

  private inIpSet(arn: unknown, ip: string): boolean {
    const id = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    const cidrs = id === undefined ? undefined : this.ipSets.get(id);
    if (cidrs === undefined) throw new Error(`IP set ${JSON.stringify(arn)} is not in the template`);
    return cidrs.some((cidr) => inCidr(ip, cidr));
  }
}

function byteMatch(body: Json, request: WafRequest): boolean {
  const transform = (value: string): string =>
    (body.TextTransformations as { Type: string }[]).reduce((v, t) => {
      if (t.Type !== 'LOWERCASE') throw new Error(`the test WAF model does not know ${t.Type}`);
      return v.toLowerCase();
    }, value);
  const field = body.FieldToMatch as Json;
  let candidates: string[];
  if (field.Headers) {
    const headers = field.Headers as { MatchPattern: Json; MatchScope: string };
    if (!('All' in headers.MatchPattern) || headers.MatchScope !== 'KEY') {
      throw new Error('the test WAF model only knows Headers { All, KEY }');
    }
    candidates = Object.keys(request.headers);
  } else if (field.SingleHeader) {
    const name = (field.SingleHeader as { Name: string }).Name.toLowerCase();
    candidates = Object.entries(request.headers)
      .filter(([k]) => k.toLowerCase() === name)
      .map(([, v]) => v);
  } else {
    throw new Error(`the test WAF model does not know field ${JSON.stringify(field)}`);
  }
  if (body.PositionalConstraint !== 'EXACTLY') throw new Error('the test WAF model only knows EXACTLY');
  return candidates.some((c) => transform(c) === body.SearchString);
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = toNumber(base) - (toNumber(base) % size);
  return toNumber(ip) >= start && toNumber(ip) < start + size;
}
