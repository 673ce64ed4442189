import PavilionHSM

/// Lets an issuer sign SD-JWTs with a ``PavilionHSM/Signer`` (an HSM key or
/// the software key store): the signer's JOSE-form signature is exactly
/// what a compact JWS carries.
struct SDJWTSignerAdapter: JWSSigner {
    let signer: any Signer
    let algorithm: JWSAlgorithm
    var keyID: String? { signer.keyID }

    init(_ signer: any Signer) throws(SDJWTError) {
        guard let algorithm = JWSAlgorithm(rawValue: signer.algorithm.rawValue) else {
            throw SDJWTError(.cryptoFailure, "the signer's algorithm \(signer.algorithm.rawValue) has no JWS counterpart")
        }
        self.signer = signer
        self.algorithm = algorithm
    }

    func sign(_ signingInput: [UInt8]) throws(JOSEError) -> [UInt8] {
        do { return try signer.sign(signingInput) } catch { throw JOSEError(.cryptoFailure, "the signer failed: \(error)") }
    }
}
