import PavilionCrypto

/// A client's state between `Blind` and `Finalize` for one input: the
/// private input, the secret blind (wiped when freed) and the blinded
/// element to send. In POPRF mode also the info.
public struct OPRFBlindedInput: Sendable {
    /// The suite.
    public let suite: OPRFSuite
    /// The mode it was blinded for.
    public let mode: OPRFMode
    /// The client's private input.
    public let input: [UInt8]
    /// `SerializeElement(blindedElement)`, `Ne` bytes: what the client sends.
    public let blindedElement: [UInt8]
    let blind: ECScalar
    let blindedPoint: ECPoint
    /// POPRF only: the public info.
    let info: [UInt8]?
}
