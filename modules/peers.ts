/**
 * Rule peers and the one-rule-per-resource helpers every construct uses. Rules are
 * `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one peer and one port range each, so a
 * plan shows exactly which flow each resource opens, and no inline rules fight with them.
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";
import * as ipaddr from "ipaddr.js";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { configError } from "./errors";

/** The other end of a rule: an SG, an IPv4 or IPv6 CIDR, or a managed prefix list. */
export type RulePeer =
  | { readonly securityGroupId: string }
  | { readonly cidrIpv4: string }
  | { readonly cidrIpv6: string }
  | { readonly prefixListId: string };

/** `all` is every protocol and port (`ip_protocol = "-1"`). */
export type RuleProtocol = "tcp" | "udp" | "icmp" | "icmpv6" | "all";

export interface RuleSpec {
  readonly peer: RulePeer;
  readonly protocol: RuleProtocol;
  /** First port (for `tcp`/`udp`), or ICMP type. Omit for `all`. */
  readonly fromPort?: number;
  /** Last port, inclusive; defaults to `fromPort` (for ICMP: the code, default -1, every code). */
  readonly toPort?: number;
  /** Shown in the console and in plans: say why the rule exists. */
  readonly description?: string;
}

export type RuleDirection = "ingress" | "egress";

export function isWorldCidr(cidr: string): boolean {
  if (Token.isUnresolved(cidr)) return false;
  try {
    return ipaddr.parseCIDR(cidr)[1] === 0;
  } catch {
    return false;
  }
}

/** Throws when a literal CIDR does not parse; tokens pass (terraform decides them). */
export function checkCidr(scope: Construct, cidr: string, where: string): void {
  if (Token.isUnresolved(cidr)) return;
  try {
    ipaddr.parseCIDR(cidr);
  } catch {
    throw configError(scope, `${where}: "${cidr}" is not a CIDR`, 'write it as an address and a prefix length, e.g. "10.0.0.0/16" or "203.0.113.7/32"');
  }
}

function peerArguments(peer: RulePeer) {
  if ("securityGroupId" in peer) return { referencedSecurityGroupId: peer.securityGroupId };
  if ("cidrIpv4" in peer) return { cidrIpv4: peer.cidrIpv4 };
  if ("cidrIpv6" in peer) return { cidrIpv6: peer.cidrIpv6 };
  return { prefixListId: peer.prefixListId };
}

export function describePeer(peer: RulePeer): string {
  if ("securityGroupId" in peer) return Token.isUnresolved(peer.securityGroupId) ? "an SG" : peer.securityGroupId;
  if ("cidrIpv4" in peer) return peer.cidrIpv4;
  if ("cidrIpv6" in peer) return peer.cidrIpv6;
  return peer.prefixListId;
}

/** Throws on ingress from 0.0.0.0/0 or ::/0, and on malformed CIDRs or ports. */
export function checkRule(scope: Construct, direction: RuleDirection, spec: RuleSpec, where: string): void {
  const cidr = "cidrIpv4" in spec.peer ? spec.peer.cidrIpv4 : "cidrIpv6" in spec.peer ? spec.peer.cidrIpv6 : undefined;
  if (cidr !== undefined) {
    checkCidr(scope, cidr, where);
    if (direction === "ingress" && isWorldCidr(cidr)) {
      throw configError(
        scope,
        `${where} admits ${cidr}, the whole internet, onto SGs that sit on EKS control-plane, node or Fargate ENIs`,
        "admit only the SGs or CIDRs that need the port (a load balancer's SG, a bastion SG, a VPN range)",
      );
    }
  }
  if (spec.protocol !== "all") {
    if (spec.fromPort === undefined) throw configError(scope, `${where}: protocol ${spec.protocol} needs fromPort`, "give fromPort (and toPort for a range), or use protocol: \"all\"");
    const to = spec.toPort ?? spec.fromPort;
    if ((spec.protocol === "tcp" || spec.protocol === "udp") && !(0 <= spec.fromPort && spec.fromPort <= to && to <= 65535)) {
      throw configError(scope, `${where}: ports ${spec.fromPort}-${to} are not a range within 0-65535`, "give fromPort <= toPort, both within 0-65535");
    }
  }
}

/** One rule resource on `securityGroupId`. */
export function addRule(scope: Construct, id: string, direction: RuleDirection, securityGroupId: string, spec: RuleSpec): VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule {
  // For ICMP, from/to are the type and the code; an omitted code means every code.
  const icmp = spec.protocol === "icmp" || spec.protocol === "icmpv6";
  const ports = spec.protocol === "all" ? {} : { fromPort: spec.fromPort, toPort: spec.toPort ?? (icmp ? -1 : spec.fromPort) };
  const config = {
    securityGroupId,
    ipProtocol: spec.protocol === "all" ? "-1" : spec.protocol,
    ...ports,
    ...peerArguments(spec.peer),
    ...(spec.description ? { description: spec.description } : {}),
  };
  return direction === "ingress" ? new VpcSecurityGroupIngressRule(scope, id, config) : new VpcSecurityGroupEgressRule(scope, id, config);
}
