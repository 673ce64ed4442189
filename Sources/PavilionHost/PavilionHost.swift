// The broker: filled by the service issue.
