output "cluster_name" {
  value = aws_eks_cluster.this.name
}

output "cluster_security_group_id" {
  description = "The SG EKS creates and puts on the control-plane ENIs (and on nodes without a launch template)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_security_group_id" {
  value = aws_security_group.node.id
}
