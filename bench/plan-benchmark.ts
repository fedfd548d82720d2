/**
 * How the checker's work grows with plan size: synthetic plans with N clusters of four node
 * groups, each group with its own node SG, launch template and ten rules (all ids unknown, linked
 * through configuration references as in a real first plan), checked with the whole pack. Prints
 * a table; the time per resource should stay flat as N grows.
 *
 * Pairwise policies (node-dns, node-to-node) compare the node classes of one cluster with each
 * other, so their work grows with the square of node groups per cluster — kept at a realistic four.
 *
 *   npm run bench:synthetic [-- 10 50 200 400]   (npm run bench is the real-plan benchmark, bench/real)
 */
import { performance } from "node:perf_hooks";
import { loadText } from "../checker/load/load-inputs";
import { buildGraph } from "../checker/model/resource-graph";
import { checkGraphs } from "../checker/run/pipeline";
import { resolveSettings } from "../checker/run/settings";
import { policies } from "../policies";

type Json = Record<string, unknown>;

function ref(...addresses: string[]): Json {
  return { references: addresses.flatMap((a) => [a, a.split(".").slice(0, 2).join(".")]) };
}

const GROUPS_PER_CLUSTER = 4;

function syntheticPlan(clusters: number): string {
  const changes: Json[] = [];
  const config: Json[] = [];
  const add = (type: string, name: string, after: Json, afterUnknown: Json, expressions: Json) => {
    changes.push({ address: `${type}.${name}`, mode: "managed", type, name, change: { actions: ["create"], before: null, after, after_unknown: afterUnknown } });
    config.push({ address: `${type}.${name}`, mode: "managed", type, name, expressions });
  };
  for (let i = 0; i < clusters * GROUPS_PER_CLUSTER; i++) {
    const c = Math.floor(i / GROUPS_PER_CLUSTER);
    if (i % GROUPS_PER_CLUSTER === 0) {
      add("aws_eks_cluster", `c${c}`, { name: `bench-${c}`, vpc_config: [{ endpoint_public_access: false }], enabled_cluster_log_types: ["api", "audit"] }, { id: true, vpc_config: [{ cluster_security_group_id: true, subnet_ids: true }] }, { name: { constant_value: `bench-${c}` } });
    }
    add("aws_security_group", `node${i}`, { name: `node${i}`, tags: { Name: `node${i}` } }, { id: true, ingress: true, egress: true }, { name: { constant_value: `node${i}` } });
    add("aws_launch_template", `lt${i}`, { metadata_options: [{ http_tokens: "required", http_put_response_hop_limit: 2 }] }, { id: true, vpc_security_group_ids: true }, { vpc_security_group_ids: ref(`aws_security_group.node${i}.id`) });
    add("aws_eks_node_group", `ng${i}`, { node_group_name: `ng${i}`, launch_template: [{}] }, { id: true, cluster_name: true, launch_template: [{ id: true }] }, {
      cluster_name: ref(`aws_eks_cluster.c${c}.name`),
      launch_template: [{ id: ref(`aws_launch_template.lt${i}.id`) }],
    });
    const rules: [string, string, number, number, string][] = [
      ["ingress", "tcp", 10250, 10250, "cluster"],
      ["ingress", "tcp", 443, 443, "cluster"],
      ["ingress", "tcp", 53, 53, "self"],
      ["ingress", "udp", 53, 53, "self"],
      ["ingress", "tcp", 1025, 65535, "self"],
      ["ingress", "tcp", 9443, 9443, "cluster"],
      ["ingress", "tcp", 8443, 8443, "cluster"],
      ["egress", "-1", 0, 0, "world"],
      ["cluster", "tcp", 443, 443, "node"],
      ["ingress", "tcp", 4443, 4443, "cluster"],
    ];
    rules.forEach(([direction, protocol, from, to, peer], r) => {
      const onCluster = direction === "cluster";
      const after: Json = { type: onCluster ? "ingress" : direction, protocol, from_port: from, to_port: to, self: peer === "self", ...(peer === "world" ? { cidr_blocks: ["0.0.0.0/0"] } : {}) };
      const unknown: Json = { id: true, security_group_id: true, ...(peer === "cluster" || peer === "node" ? { source_security_group_id: true } : {}) };
      const expressions: Json = {
        security_group_id: onCluster ? ref(`aws_eks_cluster.c${c}.vpc_config[0].cluster_security_group_id`) : ref(`aws_security_group.node${i}.id`),
        ...(peer === "cluster" ? { source_security_group_id: ref(`aws_eks_cluster.c${c}.vpc_config[0].cluster_security_group_id`) } : {}),
        ...(peer === "node" ? { source_security_group_id: ref(`aws_security_group.node${i}.id`) } : {}),
      };
      add("aws_security_group_rule", `r${i}_${r}`, after, unknown, expressions);
    });
  }
  return JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: changes, configuration: { root_module: { resources: config } } });
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[][] = [["clusters", "resources", "MB", "load ms", "model ms", "check ms", "total ms", "µs/resource", "findings"]];
for (const n of sizes.length ? sizes : [10, 50, 200, 400]) {
  const text = syntheticPlan(n);
  const t0 = performance.now();
  const [input] = loadText(text, `synthetic-${n}.json`);
  const t1 = performance.now();
  const graph = buildGraph(input);
  const t2 = performance.now();
  const report = checkGraphs([graph], resolveSettings({ registry: policies }));
  const t3 = performance.now();
  const resources = graph.instances.size;
  rows.push([n, resources, (text.length / 1e6).toFixed(1), (t1 - t0).toFixed(0), (t2 - t1).toFixed(0), (t3 - t2).toFixed(0), (t3 - t0).toFixed(0), (((t3 - t0) * 1000) / resources).toFixed(0), report.findings.length].map(String));
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i])).join("  "));
