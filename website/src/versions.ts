// SemVer precedence (semver.org §11), to list a package's versions newest first
// whatever order the registry sends them in.

interface Parsed {
  core: number[];
  pre: string[];
}

function parse(version: string): Parsed {
  const withoutBuild = version.split("+", 1)[0] ?? "";
  const dash = withoutBuild.indexOf("-");
  const core = dash < 0 ? withoutBuild : withoutBuild.slice(0, dash);
  const pre = dash < 0 ? [] : withoutBuild.slice(dash + 1).split(".");
  return { core: core.split(".").map((part) => Number.parseInt(part, 10) || 0), pre };
}

const NUMERIC = /^\d+$/;

function compareIdentifiers(a: string, b: string): number {
  const aNum = NUMERIC.test(a);
  const bNum = NUMERIC.test(b);
  if (aNum && bNum) return Number(a) - Number(b);
  if (aNum !== bNum) return aNum ? -1 : 1; // numeric identifiers sort first
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` precedes `b`, positive when it follows, 0 when equal. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const diff = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const diff = compareIdentifiers(x.pre[i] ?? "", y.pre[i] ?? "");
    if (diff !== 0) return diff;
  }
  return x.pre.length - y.pre.length;
}

/** The caret requirement `aura pkg add` writes for a version: `^1.2.3`. */
export function caretRequirement(version: string): string {
  return `^${version.split("+", 1)[0] ?? version}`;
}
