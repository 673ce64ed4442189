// PKCS#11 signer: filled by the credentials issue.
