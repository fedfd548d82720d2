/** The address-glob convention: Terraform addresses written as Terraform prints them; *, ?, {a,b} and \ special. */
import { addressGlobProblem, compileAddressGlob, compileInputGlob } from "../../checker/waivers/address-glob";

describe("compileAddressGlob", () => {
  test.each([
    ['module.eks.aws_eks_node_group.this["general"]', 'module.eks.aws_eks_node_group.this["general"]', true],
    ["module.eks.aws_eks_node_group.this['general']", 'module.eks.aws_eks_node_group.this["general"]', true],
    ["module.eks.aws_eks_node_group.this['general']", "module.eks.aws_eks_node_group.this['general']", false],
    ["aws_eks_node_group.this[{'general','batch'}]", 'aws_eks_node_group.this["batch"]', true],
    ["aws_eks_node_group.this[{'general','batch'}]", 'aws_eks_node_group.this["gpu"]', false],
    ["x['it\\'s']", 'x["it\'s"]', true],
    ['module.eks.aws_eks_node_group.this["general"]', 'module.eks.aws_eks_node_group.this["batch"]', false],
    ["module.eks.*", 'module.eks.aws_eks_node_group.this["general"]', true],
    ["module.eks.*", 'module.eks.module.nodes[0].aws_launch_template.this', true],
    ["module.eks.*", 'module.eks["a"].aws_eks_cluster.this', false],
    ["module.eks*", 'module.eks["a"].aws_eks_cluster.this', true],
    ["aws_eks_node_group.this[*]", "aws_eks_node_group.this[0]", true],
    ["aws_eks_node_group.this[*]", 'aws_eks_node_group.this["general"]', true],
    ["aws_eks_node_group.this[*]", "aws_eks_node_group.this", false],
    ["aws_eks_node_group.this*", "aws_eks_node_group.this", true],
    ["aws_eks_node_group.this*", "aws_eks_node_group.this_other", true],
    ["aws_eks_node_group.this[{0,1}]", "aws_eks_node_group.this[1]", true],
    ["aws_eks_node_group.this[{0,1}]", "aws_eks_node_group.this[2]", false],
    ["aws_eks_node_group.this[01]", "aws_eks_node_group.this[0]", false],
    ["aws_eks_node_group.this[?]", "aws_eks_node_group.this[7]", true],
    ["aws_eks_node_group.this[?]", "aws_eks_node_group.this[12]", false],
    // Index keys may hold "/", "." and ","; * crosses them, and they are literal in a pattern.
    ['aws_security_group_rule.x["10.0.0.0/16"]', 'aws_security_group_rule.x["10.0.0.0/16"]', true],
    ["aws_security_group_rule.x[*]", 'aws_security_group_rule.x["10.0.0.0/16"]', true],
    ["*", 'aws_security_group_rule.x["a/../b"]', true],
    ['aws_security_group_rule.x["a,b"]', 'aws_security_group_rule.x["a,b"]', true],
    // Characters that are special to picomatch or regular expressions are literal here.
    ['x["!(a)+@b$^|"]', 'x["!(a)+@b$^|"]', true],
    ["!x.y", "x.z", false],
    // A backslash makes the next character literal.
    ['x["a\\*"]', 'x["a*"]', true],
    ['x["a\\*"]', 'x["ab"]', false],
    ['x["\\{a,b\\}"]', 'x["{a,b}"]', true],
  ])("%s vs %s → %s", (pattern, address, expected) => {
    expect(addressGlobProblem(pattern)).toBeUndefined();
    expect(compileAddressGlob(pattern)(address)).toBe(expected);
  });
});

describe("addressGlobProblem", () => {
  test.each([
    ["", "is empty"],
    [" aws_eks_cluster.this", "starts or ends with a space"],
    ["aws_eks_cluster.{a,b", 'has a "{" without its "}"'],
    ["aws_eks_cluster.a}", 'has a "}" without its "{"'],
    ["aws_eks_cluster.{this}", 'has "{this}", alternatives with only one choice'],
    ["aws_eks_cluster.this\\", "ends with a lone backslash"],
  ])("%j: %s", (pattern, problem) => {
    expect(addressGlobProblem(pattern)?.problem).toBe(problem);
  });
});

describe("compileInputGlob", () => {
  test.each([
    ["plans/*.json", "plans/prod.json", true],
    ["plans/*.json", "./plans/prod.json", true],
    ["plans/*.json", "plans\\prod.json", true],
    ["plans/*.json", "plans/eu/prod.json", false],
    ["plans/**/*.json", "plans/eu/prod.json", true],
    ["**/prod.json", "/abs/plans/prod.json", true],
    ["cdktf.out/stacks/prod/*", "cdktf.out/stacks/prod/cdk.tf.json", true],
    ["-", "-", true],
  ])("%s vs %s → %s", (pattern, input, expected) => {
    expect(compileInputGlob(pattern)(input)).toBe(expected);
  });
});
