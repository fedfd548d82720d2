#!/usr/bin/env bash
# Makes REAL `terraform show -json` plans for the benchmark: a root configuration with N calls of
# ./module (one EKS cluster, 19 resource instances each), planned offline with terraform and the
# filesystem mirror of hashicorp/aws (see /work/shared/docs/terraform-offline.md).
#
#   bash bench/real/generate.sh                  # N = 200 and 1000 (the default sizes)
#   bash bench/real/generate.sh 5 200            # any sizes
#   MODE=blocks bash bench/real/generate.sh 200  # N separate module blocks instead of one for_each
#   FORCE=1 bash bench/real/generate.sh 1000     # plan again even if the cache is valid
#
# Writes bench/real/.plans/plan-<resource instances>.json (MODE=blocks: plan-<n>-blocks.json) and,
# next to it, <plan>.meta with the cache key and how long init/plan/show took. A plan is reused
# when the sha256 of its inputs (module files + generated root configuration, which encodes N and
# MODE, + terraform version + provider version) is unchanged. Scratch work dirs: bench/real/.work/.
# The last line for each size is machine-readable:  PLAN <N> <MODE> <path> <resources> <bytes>
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
plans="$here/.plans"
works="$here/.work"
mode=${MODE:-foreach}
case "$mode" in foreach | blocks) ;; *) echo "generate: MODE must be foreach or blocks" >&2; exit 2 ;; esac
provider_version=5.100.0

command -v terraform >/dev/null || { echo "generate: terraform is not on PATH" >&2; exit 2; }
mirror=${TF_PROVIDER_MIRROR:-}
if [ -z "$mirror" ]; then
  aws_dir=$(find / -xdev -type d -path '*/registry.terraform.io/hashicorp/aws' -not -path '*/.terraform/*' -not -path '/tmp/*' 2>/dev/null | head -n 1 || true)
  [ -n "$aws_dir" ] || { echo "generate: no filesystem mirror of hashicorp/aws (set TF_PROVIDER_MIRROR)" >&2; exit 2; }
  mirror=$(dirname "$(dirname "$(dirname "$aws_dir")")")
fi
[ -d "$mirror/registry.terraform.io/hashicorp/aws/$provider_version" ] ||
  { echo "generate: the mirror $mirror has no hashicorp/aws $provider_version" >&2; exit 2; }

mkdir -p "$plans" "$works"
cat > "$works/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct { exclude = ["registry.terraform.io/hashicorp/*"] }
}
RC
export TF_CLI_CONFIG_FILE="$works/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
tf_version=$(terraform version | sed -n 1p)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
timed() { # timed <logfile> <cmd...>: runs cmd, appends "peak RSS" of the command to the log when GNU time exists
  local log=$1; shift
  if [ -x /usr/bin/time ]; then /usr/bin/time -f 'peak_rss_kb=%M' -a -o "$log.rss" "$@"; else "$@"; fi
}

root_config() { # root_config <N>: the generated root main.tf on stdout
  local n=$1 i
  cat <<'TF'
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "AKIAFAKEFAKEFAKEFAKE" # fake: nothing is ever sent
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

locals {
  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  subnet_ids = ["subnet-0a1b2c3d4e5f6a001", "subnet-0a1b2c3d4e5f6a002", "subnet-0a1b2c3d4e5f6a003"]
  tags       = { team = "platform", env = "bench", managed-by = "terraform" }
}
TF
  if [ "$mode" = foreach ]; then
    cat <<TF

locals {
  clusters = toset([for i in range($n) : format("bench-%04d", i)])
}

module "c" {
  source   = "./modules/eks-cluster"
  for_each = local.clusters

  name       = each.key
  vpc_id     = local.vpc_id
  subnet_ids = local.subnet_ids
  tags       = local.tags
}

output "node_security_group_ids" {
  value = { for k, m in module.c : k => m.node_security_group_id }
}
TF
  else
    for ((i = 0; i < n; i++)); do
      printf '\nmodule "c_%04d" {\n  source = "./modules/eks-cluster"\n\n  name       = "bench-%04d"\n  vpc_id     = local.vpc_id\n  subnet_ids = local.subnet_ids\n  tags       = local.tags\n}\n' "$i" "$i"
    done
  fi
}

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 1000)

for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "generate: size must be a positive integer: $n" >&2; exit 2; }
  work="$works/n$n-$mode"
  index="$plans/n$n-$mode.index"   # "<key> <plan file name>" of the last plan made for this N and MODE
  root_tf=$(root_config "$n")
  key=$({
    printf '%s\n' "$tf_version" "aws $provider_version" "$mode" "$n" "$root_tf"
    (cd "$here/module" && for f in $(find . -type f -name '*.tf' | LC_ALL=C sort); do printf '== %s\n' "$f"; cat "$f"; done)
  } | sha256sum | cut -c1-16)

  if [ -z "${FORCE:-}" ] && [ -f "$index" ]; then
    read -r old_key old_file < "$index" || true
    if [ "$old_key" = "$key" ] && [ -s "$plans/$old_file" ]; then
      echo "generate: N=$n MODE=$mode: inputs unchanged (key $key), reusing $plans/$old_file"
      grep -E '^(init|plan|show)_seconds' "$plans/$old_file.meta" | tr '\n' ' ' | sed 's/^/generate:   generated earlier in: /'; echo
      printf 'PLAN %s %s %s %s %s\n' "$n" "$mode" "$plans/$old_file" \
        "$(grep '^resources=' "$plans/$old_file.meta" | cut -d= -f2)" "$(stat -L -c %s "$plans/$old_file")"
      continue
    fi
  fi

  echo "generate: N=$n MODE=$mode: planning (key $key) in $work"
  rm -rf "$work/modules" "$work"/*.log "$work"/*.rss "$work/plan.out"
  mkdir -p "$work/modules"
  cp -R "$here/module" "$work/modules/eks-cluster"
  printf '%s\n' "$root_tf" > "$work/main.tf"

  t0=$(now)
  (cd "$work" && timed init.log terraform init -input=false -no-color > init.log 2>&1) || { cat "$work/init.log" >&2; exit 1; }
  t1=$(now)
  (cd "$work" && timed plan.log terraform plan -input=false -refresh=false -lock=false -no-color -out plan.out > plan.log 2>&1) ||
    { tail -n 40 "$work/plan.log" >&2; exit 1; }
  t2=$(now)
  (cd "$work" && timed show.log terraform show -json plan.out > plan.json.tmp) || exit 1
  t3=$(now)

  resources=$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(String((p.resource_changes || []).length))' "$work/plan.json.tmp")
  suffix=""; [ "$mode" = foreach ] || suffix="-$mode"
  file="plan-$resources$suffix.json"
  mv "$work/plan.json.tmp" "$plans/$file"
  bytes=$(stat -c %s "$plans/$file")
  {
    echo "key=$key"
    echo "n=$n"
    echo "mode=$mode"
    echo "resources=$resources"
    echo "bytes=$bytes"
    echo "terraform=$tf_version"
    echo "init_seconds=$(elapsed "$t0" "$t1")"
    echo "plan_seconds=$(elapsed "$t1" "$t2")"
    echo "show_seconds=$(elapsed "$t2" "$t3")"
    for step in plan show; do
      [ -f "$work/$step.log.rss" ] && echo "${step}_$(tail -n 1 "$work/$step.log.rss")"
    done
    echo "generated_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } > "$plans/$file.meta"
  printf '%s %s\n' "$key" "$file" > "$index"
  rm -f "$work/plan.out"
  echo "generate: N=$n MODE=$mode: $resources resource instances, $bytes bytes;" \
    "init $(elapsed "$t0" "$t1") s, plan $(elapsed "$t1" "$t2") s, show -json $(elapsed "$t2" "$t3") s"
  printf 'PLAN %s %s %s %s %s\n' "$n" "$mode" "$plans/$file" "$resources" "$bytes"
done
