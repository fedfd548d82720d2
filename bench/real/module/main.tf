# One EKS cluster the way a platform team typically writes it by hand: an additional control-plane
# SG, a dedicated node SG with its rules as separate resources, a managed node group on a launch
# template that carries only the node SG, secrets encryption with a KMS key, IAM roles.
# No data sources: everything it needs comes in through variables, so it plans offline.
#
# Resource instances per call (defaults): 19
#   KMS key 1; IAM roles 2 + policy attachments 1 + 3 (for_each);
#   SGs 2; cluster 1; SG rules 7 (1 on the control-plane SG, 6 on the node SG, mostly for_each);
#   launch template 1; node group 1.

locals {
  tags = merge(var.tags, { "eks-cluster" = var.name })

  node_policies = {
    worker = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    cni    = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    ecr    = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
  }

  # Control plane -> nodes: the kubelet plus the admission webhooks.
  node_from_control_plane = merge(
    { kubelet = 10250 },
    { for p in var.webhook_ports : "webhook_${p}" => p },
  )

  # Node -> node (same SG): CoreDNS on TCP and UDP, and pod/service traffic on high ports.
  node_from_self = {
    dns_tcp   = { protocol = "tcp", from = 53, to = 53 }
    dns_udp   = { protocol = "udp", from = 53, to = 53 }
    ephemeral = { protocol = "tcp", from = 1025, to = 65535 }
  }
}

# ---------------------------------------------------------------- KMS (secrets encryption)

resource "aws_kms_key" "secrets" {
  description             = "EKS secrets encryption for ${var.name}"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  tags                    = local.tags
}

# ---------------------------------------------------------------- IAM

resource "aws_iam_role" "cluster" {
  name = "${var.name}-cluster"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "node" {
  name = "${var.name}-node"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each   = local.node_policies
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

# ---------------------------------------------------------------- Security groups

resource "aws_security_group" "control_plane" {
  name_prefix = "${var.name}-control-plane-"
  description = "Additional SG on the EKS control-plane ENIs"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-control-plane" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "node" {
  name_prefix = "${var.name}-node-"
  description = "EKS managed nodes"
  vpc_id      = var.vpc_id
  tags = merge(local.tags, {
    Name                                = "${var.name}-node"
    "kubernetes.io/cluster/${var.name}" = "owned"
  })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "control_plane_https_from_nodes" {
  security_group_id            = aws_security_group.control_plane.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  description                  = "Nodes to the Kubernetes API"
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "node_from_control_plane" {
  for_each                     = local.node_from_control_plane
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  description                  = "Control plane to nodes (${each.key})"
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "node_from_self" {
  for_each                     = local.node_from_self
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.from
  to_port                      = each.value.to
  description                  = "Node to node (${each.key})"
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "node_all" {
  security_group_id = aws_security_group.node.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  description       = "Nodes to anywhere (image pulls, AWS APIs)"
  tags              = local.tags
}

# ---------------------------------------------------------------- Cluster

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.subnet_ids
    security_group_ids      = [aws_security_group.control_plane.id]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.secrets.arn
    }
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# ---------------------------------------------------------------- Nodes

resource "aws_launch_template" "node" {
  name_prefix            = "${var.name}-node-"
  vpc_security_group_ids = [aws_security_group.node.id]
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 50
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-node" })
  }

  tags = local.tags
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = var.node_instance_types
  capacity_type   = "ON_DEMAND"

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  scaling_config {
    min_size     = var.node_scaling.min
    desired_size = var.node_scaling.desired
    max_size     = var.node_scaling.max
  }

  update_config {
    max_unavailable = 1
  }

  labels = { role = "default" }
  tags   = local.tags

  depends_on = [aws_iam_role_policy_attachment.node]

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }
}
