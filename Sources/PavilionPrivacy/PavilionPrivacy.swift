// Privacy engine: filled by the privacy issue.
