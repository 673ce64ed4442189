import PavilionCore

/// Where type metadata documents come from: the host implements this with
/// its HTTP client (or a local registry); Pavilion does no network I/O here.
public protocol SDJWTVCTypeMetadataSource: Sendable {
    /// The bytes of the type metadata document for `vct`.
    /// - Parameter vct: the type (usually an HTTPS URL).
    /// - Returns: the document exactly as retrieved, for the integrity check.
    /// - Throws: whatever fetching throws.
    func typeMetadataDocument(for vct: String) async throws -> [UInt8]
}

/// SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6): the fields
/// Pavilion reads, and the whole document for the rest.
public struct SDJWTVCTypeMetadata: Sendable, Equatable {
    /// `vct`: must equal the type asked for.
    public let vct: String
    /// `name`.
    public let name: String?
    /// `description`.
    public let description: String?
    /// `extends`: the parent type.
    public let extends: String?
    /// `extends#integrity`.
    public let extendsIntegrity: String?
    /// The whole document (`display`, `claims`, `schema`…).
    public let document: [String: JSONValue]

    /// Parse a document fetched for `vct`, checking `integrity` when given.
    /// - Parameters:
    ///   - bytes: the document as retrieved.
    ///   - vct: the type it was fetched for.
    ///   - integrity: the SRI value (`vct#integrity` or `extends#integrity`), if any.
    /// - Throws: ``SDJWTError`` `metadataInvalid` for a hash mismatch, bad JSON, a different `vct`,
    ///   or mistyped members.
    public init(parsing bytes: [UInt8], vct: String, integrity: String?) throws(SDJWTError) {
        if let integrity { try SubresourceIntegrity.check(bytes, against: integrity) }
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch { throw SDJWTError(.metadataInvalid, "type metadata is not JSON: \(error)") }
        guard let members = json.objectValue else { throw SDJWTError(.metadataInvalid, "type metadata is not a JSON object") }
        guard members["vct"]?.stringValue == vct else { throw SDJWTError(.metadataInvalid, "type metadata does not describe \(vct)") }
        func optionalString(_ name: String) throws(SDJWTError) -> String? {
            guard let value = members[name] else { return nil }
            guard let text = value.stringValue else { throw SDJWTError(.metadataInvalid, "type metadata \(name) is not a string") }
            return text
        }
        self.vct = vct
        name = try optionalString("name")
        description = try optionalString("description")
        extends = try optionalString("extends")
        extendsIntegrity = try optionalString("extends#integrity")
        document = members
    }

    /// The `vct#integrity` value (SRI, SHA-256) an issuer pins a type metadata document with.
    /// - Parameter document: the document's bytes as served.
    /// - Returns: `sha256-<base64>`.
    public static func integrity(of document: [UInt8]) -> String { SubresourceIntegrity.value(for: document) }

    /// Fetch the metadata of `vct` and of each type it extends.
    /// - Parameters:
    ///   - vct: the credential's type.
    ///   - integrity: its `vct#integrity`, if any.
    ///   - source: where documents come from.
    ///   - maxDepth: the longest `extends` chain followed (8 by default).
    /// - Returns: the chain, the credential's own type first.
    /// - Throws: ``SDJWTError`` `metadataInvalid` for a fetch failure, a bad
    ///   document, an integrity mismatch, a cycle or a chain that is too long.
    public static func resolve(vct: String, integrity: String?, source: some SDJWTVCTypeMetadataSource,
                               maxDepth: Int = 8) async throws(SDJWTError) -> [SDJWTVCTypeMetadata] {
        var chain: [SDJWTVCTypeMetadata] = []
        var next: (String, String?)? = (vct, integrity)
        while let (type, hash) = next {
            guard chain.count < maxDepth else { throw SDJWTError(.metadataInvalid, "type metadata extends more than \(maxDepth) levels") }
            guard !chain.contains(where: { $0.vct == type }) else { throw SDJWTError(.metadataInvalid, "type metadata extends itself (\(type))") }
            let bytes: [UInt8]
            do { bytes = try await source.typeMetadataDocument(for: type) } catch {
                throw SDJWTError(.metadataInvalid, "fetching type metadata for \(type) failed: \(error)")
            }
            let metadata = try SDJWTVCTypeMetadata(parsing: bytes, vct: type, integrity: hash)
            chain.append(metadata)
            next = metadata.extends.map { ($0, metadata.extendsIntegrity) }
        }
        return chain
    }
}
