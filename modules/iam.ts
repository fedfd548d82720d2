/** IAM roles for AWS services (the EKS control plane, EC2 nodes, Fargate pods) with AWS managed policies. */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";

export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

export function assumeRolePolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

/** IAM `name_prefix` allows 38 characters; keep what fits. */
export function rolePrefix(name: string): string {
  return `${name}-`.replace(/[^\w+=,.@-]/g, "-").slice(0, 38);
}

export interface ServiceRoleProps {
  /** e.g. `eks.amazonaws.com`. */
  readonly service: string;
  readonly actions?: readonly string[];
  /** Names of AWS managed policies to attach, e.g. `AmazonEKSClusterPolicy`. */
  readonly managedPolicies: readonly string[];
  readonly namePrefix?: string;
  readonly description?: string;
  readonly tags?: Record<string, string>;
}

/** A role a service assumes, with one `aws_iam_role_policy_attachment` per managed policy. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** Resources that use the role should depend on these, so the policies are attached before they start. */
  readonly attachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      ...(props.namePrefix ? { namePrefix: rolePrefix(props.namePrefix) } : {}),
      description: props.description,
      assumeRolePolicy: assumeRolePolicy(props.service, props.actions),
      tags: props.tags,
    });
    this.attachments = props.managedPolicies.map(
      (policy) => new IamRolePolicyAttachment(this, policy, { role: this.role.name, policyArn: managedPolicyArn(policy) }),
    );
  }

  get arn(): string {
    return this.role.arn;
  }
}
