internal import CPKCS11

/// How each algorithm maps onto PKCS #11 mechanisms and key attributes.
extension SigningAlgorithm {
    /// `CKA_EC_PARAMS`: the DER OID of the curve (`namedCurve`).
    var ecParameters: [UInt8] {
        switch self {
        case .es256: [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]  // 1.2.840.10045.3.1.7
        case .es384: [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]  // 1.3.132.0.34
        case .edDSA: [0x06, 0x03, 0x2b, 0x65, 0x70]  // 1.3.101.112 id-Ed25519
        }
    }

    /// The algorithm whose curve `CKA_EC_PARAMS` names, or `nil`. Accepts
    /// the OIDs above and PKCS #11 3.0's PrintableString `edwards25519`.
    init?(ecParameters: [UInt8]) {
        if let match = Self.allCases.first(where: { $0.ecParameters == ecParameters }) {
            self = match
        } else if ecParameters == [0x13, 0x0c] + Array("edwards25519".utf8) {
            self = .edDSA
        } else {
            return nil
        }
    }

    /// `CKA_KEY_TYPE`: `CKK_EC` or `CKK_EC_EDWARDS`.
    var keyType: UInt { self == .edDSA ? UInt(CKK_EC_EDWARDS) : UInt(CKK_EC) }

    /// The key-pair generation mechanism.
    var generationMechanism: UInt {
        self == .edDSA ? UInt(CKM_EC_EDWARDS_KEY_PAIR_GEN) : UInt(CKM_EC_KEY_PAIR_GEN)
    }

    /// The signing mechanism: `CKM_ECDSA` (over a digest Pavilion supplies)
    /// or `CKM_EDDSA` (pure Ed25519 over the message).
    var signingMechanism: UInt { self == .edDSA ? UInt(CKM_EDDSA) : UInt(CKM_ECDSA) }
}
