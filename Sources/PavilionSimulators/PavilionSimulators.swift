// DP simulators: filled by the service issue.
