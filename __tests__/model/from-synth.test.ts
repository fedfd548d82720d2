/** cdk.tf.json → instances: block shapes as in plans, tokens as Unknown with references, meta-arguments. */
import { instancesFromSynth } from "../../checker/model/from-synth";
import { formatRef, isUnknown, valueAt, type Unknown } from "../../checker/model/value";
import type { SynthDocument } from "../../checker/load/plan-document";

const document: SynthDocument = {
  resource: {
    aws_eks_cluster: {
      c: {
        name: "c",
        vpc_config: { subnet_ids: ["subnet-1"], endpoint_public_access: false },
        tags: { team: "platform", nested: "${aws_vpc.v.id}" },
        "//": { metadata: { path: "stack/c", uniqueId: "c" } },
      } as never,
    },
    aws_vpc_security_group_ingress_rule: {
      r: {
        security_group_id: "${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}",
        description: "from ${aws_security_group.s.name} to the cluster",
        cidr_ipv4: "${cidrsubnet(aws_vpc.v.cidr_block, 8, 1)}",
        referenced_security_group_id: "${local.sg}",
        from_port: 443,
        to_port: 443,
        ip_protocol: "tcp",
        price: "$${literal}",
      },
    },
    aws_security_group: { s: { name: "s", count: 2 } as never },
  },
};

const instances = instancesFromSynth(document);
const byAddress = new Map(instances.map((i) => [i.address, i]));
const rule = byAddress.get("aws_vpc_security_group_ingress_rule.r")!;
const at = (path: (string | number)[]) => valueAt(rule.after!, path) as Unknown;

test("a single nested block becomes a one-element list, as in plan JSON; maps stay maps", () => {
  const cluster = byAddress.get("aws_eks_cluster.c")!;
  expect(valueAt(cluster.after!, ["vpc_config", 0, "endpoint_public_access"])).toBe(false);
  expect(valueAt(cluster.after!, ["tags", "team"])).toBe("platform");
  expect(isUnknown(valueAt(cluster.after!, ["tags", "nested"]))).toBe(true);
  expect(cluster.constructPath).toBe("stack/c");
  expect(cluster.action).toBe("create");
});

test("a whole-string token is a reference to the instance attribute", () => {
  const id = at(["security_group_id"]);
  expect(id.refs.map(formatRef)).toEqual(["aws_eks_cluster.c.vpc_config[0].cluster_security_group_id"]);
  expect(id.fullyResolved).toBe(true);
});

test("a token inside a larger template string still names what it references", () => {
  const description = at(["description"]);
  expect(description.refs.map(formatRef)).toEqual(["aws_security_group.s[0].name", "aws_security_group.s[1].name"]);
});

test("a function call keeps its references but is not fully resolved", () => {
  const cidr = at(["cidr_ipv4"]);
  expect(cidr.refs.map(formatRef)).toEqual(["aws_vpc.v.cidr_block"]);
  expect(cidr.fullyResolved).toBe(false);
  expect(cidr.unresolved.join()).toMatch(/not a plain reference/);
});

test("locals stay unresolved with the reason", () => {
  expect(at(["referenced_security_group_id"]).unresolved).toEqual(["local.sg (a local value)"]);
});

test("$${ is a literal, not a token; numbers stay numbers", () => {
  expect(valueAt(rule.after!, ["price"])).toBe("${literal}");
  expect(valueAt(rule.after!, ["from_port"])).toBe(443);
});

test("count makes one instance per index; meta-arguments are not attributes", () => {
  expect(byAddress.has("aws_security_group.s[0]")).toBe(true);
  expect(byAddress.has("aws_security_group.s[1]")).toBe(true);
  expect(valueAt(byAddress.get("aws_security_group.s[0]")!.after!, ["count"])).toBeUndefined();
});
