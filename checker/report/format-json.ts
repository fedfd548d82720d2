import type { Report } from "../findings/report";

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
