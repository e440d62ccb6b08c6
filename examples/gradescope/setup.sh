#!/usr/bin/env bash
# Gradescope image setup: run_autograder needs only python3 (standard library), which Gradescope's
# Ubuntu base images already have; install it if a custom base image lacks it.
set -eu
command -v python3 >/dev/null || { apt-get update && apt-get install -y --no-install-recommends python3; }
