import * as fs from "node:fs";
import { fixturePlan, graphOf } from "../helpers/fixtures";
import { parseConfig } from "../../checker/config/load-config";
import { checkGraphs } from "../../checker/run/check-inputs";
import { applyWaivers } from "../../checker/waivers/apply-waivers";
import { waiverLines } from "../../checker/waivers/format-waivers";
import { formatText } from "../../checker/report/format-text";
import { policies } from "../../policies";
test("demo", () => {
  const config = parseConfig(JSON.parse(fs.readFileSync("/tmp/w/demo.json", "utf8")), "eks-sg-policy.config.json");
  const report = checkGraphs([graphOf(fixturePlan("topo-lt-node-sg-no-rules"))], config.checkOptions, policies);
  const { report: r, waiverResults } = applyWaivers({ ...report, findings: report.findings.map((f) => ({ ...f, input: "plan.json" })) }, config.waivers, new Date("2026-07-01T09:00:00Z"));
  const text = formatText(r, "error").split("\n");
  const summary = text.splice(text.length - 2, 1);
  console.log([...text.filter(Boolean), ...waiverLines(waiverResults), ...summary].join("\n"));
  console.log(JSON.stringify({ finding: r.findings.find((f) => f.status === "waived"), waivers: r.waivers.slice(0, 4) }, null, 2));
});
