// Credentials: filled by the credentials issue.
