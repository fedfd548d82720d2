variable "name" {
  description = "Cluster name; also the prefix of every other name."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster and its security groups."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control-plane ENIs and the nodes (at least two AZs)."
  type        = list(string)
}

variable "kubernetes_version" {
  type    = string
  default = "1.31"
}

variable "node_instance_types" {
  type    = list(string)
  default = ["m6i.large", "m6a.large"]
}

variable "node_scaling" {
  type = object({ min = number, desired = number, max = number })
  default = {
    min     = 2
    desired = 3
    max     = 6
  }
}

variable "webhook_ports" {
  description = "Ports the control plane must reach on the nodes for admission webhooks (AWS LB controller, Karpenter...)."
  type        = list(number)
  default     = [9443]
}

variable "tags" {
  type    = map(string)
  default = {}
}
