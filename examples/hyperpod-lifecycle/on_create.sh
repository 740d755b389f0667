#!/bin/bash
# HyperPod runs this script on every node when it is created (LifeCycleConfig.OnCreate).
# The FSx for Lustre file system is mounted by HyperPod itself (FsxLustreConfig, at /fsx):
# this script only prepares the node for training.
set -euo pipefail

echo "HyperPod node setup: $(hostname)"
# Directories the training jobs use on the shared file system.
if mountpoint -q /fsx; then
  mkdir -p /fsx/checkpoints /fsx/datasets
fi
