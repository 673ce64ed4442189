import Foundation

/// One HTTP Message Signature on a DP response (RFC 9421), parsed from the
/// `Signature-Input` and `Signature` fields, with the signature base the
/// verifier checks it against (§2.5). Only what a response to the host
/// needs: header fields (no component parameters) and `@status`.
public struct HTTPMessageSignatureInput: Sendable, Hashable {
    /// The label (`sig-b24`).
    public var label: String
    /// Covered component identifiers, in order (`@status`, `content-digest`).
    public var components: [String]
    /// `keyid`, when given.
    public var keyID: String?
    /// `alg`, when given (`ecdsa-p256-sha256`, `ed25519`, …).
    public var algorithm: String?
    /// `created` (Unix seconds), when given.
    public var created: Int64?
    /// `expires` (Unix seconds), when given.
    public var expires: Int64?
    /// The signature bytes.
    public var signature: [UInt8]
    /// The signature base (§2.5), as signed.
    public var base: [UInt8]

    /// Every signature on `response`, in `Signature-Input` order.
    /// - Parameter response: the response as received.
    /// - Returns: at least one signature.
    /// - Throws: ``ResponseSignatureError`` `unsigned` without `Signature-Input`,
    ///   `malformed` for fields that do not parse, a label without its
    ///   signature, a component that is absent or not supported.
    public static func parse(_ response: SignedResponse) throws(ResponseSignatureError) -> [HTTPMessageSignatureInput] {
        guard let inputField = fieldValue("signature-input", in: response) else {
            throw ResponseSignatureError(.unsigned, "the response has no Signature-Input field")
        }
        guard let signatureField = fieldValue("signature", in: response) else {
            throw ResponseSignatureError(.unsigned, "the response has no Signature field")
        }
        let inputs: [(key: String, value: StructuredField.Member)]
        let signatures: [(key: String, value: StructuredField.Member)]
        do {
            inputs = try StructuredField.parseDictionary(inputField)
            signatures = try StructuredField.parseDictionary(signatureField)
        } catch {
            throw ResponseSignatureError(.malformed, "Signature-Input or Signature is not a structured dictionary: \(error)")
        }
        guard !inputs.isEmpty else { throw ResponseSignatureError(.unsigned, "Signature-Input is empty") }
        var out: [HTTPMessageSignatureInput] = []
        for (label, member) in inputs {
            guard member.item == nil else { throw ResponseSignatureError(.malformed, "Signature-Input \(label) is not an inner list") }
            guard case .byteSequence(let signature)? = signatures.first(where: { $0.key == label })?.value.item else {
                throw ResponseSignatureError(.malformed, "Signature has no byte sequence for label \(label)")
            }
            var components: [String] = []
            for entry in member.innerList {
                guard case .string(let name) = entry.item else {
                    throw ResponseSignatureError(.malformed, "\(label): a component identifier is a string")
                }
                guard entry.parameters.isEmpty else {
                    throw ResponseSignatureError(.malformed, "\(label): component parameters (sf, key, bs, req, tr) are not supported")
                }
                guard !components.contains(name) else { throw ResponseSignatureError(.malformed, "\(label): \(name) is covered twice") }
                guard name == name.lowercased(), !name.isEmpty, name != "@signature-params" else {
                    throw ResponseSignatureError(.malformed, "\(label): \(name) is not a valid component identifier")
                }
                guard !name.hasPrefix("@") || name == "@status" else {
                    throw ResponseSignatureError(.malformed, "\(label): derived component \(name) is not supported in a response")
                }
                components.append(name)
            }
            var base = ""
            for name in components {
                let value: String
                if name == "@status" {
                    value = String(response.status)
                } else {
                    guard let field = fieldValue(name, in: response) else {
                        throw ResponseSignatureError(.malformed, "\(label): covered field \(name) is not in the response")
                    }
                    value = field
                }
                base += "\"\(name)\": \(value)\n"
            }
            base += "\"@signature-params\": " + StructuredField.serializeInnerList(member)
            func integer(_ key: String) throws(ResponseSignatureError) -> Int64? {
                switch member.parameter(key) {
                case nil: return nil
                case .integer(let v)?: return v
                default: throw ResponseSignatureError(.malformed, "\(label): \(key) is not an integer")
                }
            }
            func string(_ key: String) throws(ResponseSignatureError) -> String? {
                switch member.parameter(key) {
                case nil: return nil
                case .string(let v)?: return v
                default: throw ResponseSignatureError(.malformed, "\(label): \(key) is not a string")
                }
            }
            out.append(HTTPMessageSignatureInput(label: label, components: components, keyID: try string("keyid"),
                                                 algorithm: try string("alg"), created: try integer("created"),
                                                 expires: try integer("expires"), signature: signature, base: Array(base.utf8)))
        }
        return out
    }

    /// A field's value as RFC 9421 §2.1 takes it: every line with that name,
    /// leading and trailing white space removed, joined with `, `; `nil` when absent.
    static func fieldValue(_ name: String, in response: SignedResponse) -> String? {
        let values = response.headers.filter { $0.name.lowercased() == name }
            .map { $0.value.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// Check the response's `Content-Digest` (RFC 9530) against its body.
    /// - Parameters:
    ///   - response: the response.
    ///   - hashes: the algorithms the host computes, by RFC 9530 name (`sha-256`, `sha-512`).
    /// - Returns: the algorithms that were checked.
    /// - Throws: ``ResponseSignatureError`` `malformed` when the field is absent,
    ///   does not parse or names no algorithm in `hashes`; `badSignature` when a digest differs.
    public static func checkContentDigest(_ response: SignedResponse,
                                          hashes: [String: @Sendable ([UInt8]) -> [UInt8]]) throws(ResponseSignatureError) -> [String] {
        guard let field = fieldValue("content-digest", in: response) else {
            throw ResponseSignatureError(.malformed, "the response has no Content-Digest field")
        }
        let members: [(key: String, value: StructuredField.Member)]
        do { members = try StructuredField.parseDictionary(field) } catch {
            throw ResponseSignatureError(.malformed, "Content-Digest is not a structured dictionary: \(error)")
        }
        var checked: [String] = []
        for (algorithm, member) in members {
            guard let hash = hashes[algorithm] else { continue }
            guard case .byteSequence(let expected)? = member.item else {
                throw ResponseSignatureError(.malformed, "Content-Digest \(algorithm) is not a byte sequence")
            }
            guard hash(response.body) == expected else {
                throw ResponseSignatureError(.badSignature, "Content-Digest \(algorithm) does not match the body")
            }
            checked.append(algorithm)
        }
        guard !checked.isEmpty else {
            throw ResponseSignatureError(.malformed, "Content-Digest names none of: \(hashes.keys.sorted().joined(separator: ", "))")
        }
        return checked
    }
}
