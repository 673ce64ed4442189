import PavilionCore

/// The did:web method (W3C CCG did:web): the DID names an HTTPS URL whose
/// `did.json` is the document.
///
/// `did:web:example.com` → `https://example.com/.well-known/did.json`;
/// `did:web:example.com:user:alice` → `https://example.com/user/alice/did.json`;
/// `did:web:example.com%3A3000` → `https://example.com:3000/.well-known/did.json`.
/// Refused: IP addresses, percent-encoding anywhere but the port's `%3A`,
/// empty, `.` or `..` path segments, upper-case or non-DNS host characters,
/// and a document whose `id` is not the DID.
public enum DIDWeb {
    /// The HTTPS URL of the document of `did`.
    /// - Parameter did: `did:web:…` (a `#fragment` is ignored).
    /// - Returns: the URL.
    /// - Throws: ``DIDError`` `invalidDID` naming the rule broken.
    public static func documentURL(for did: String) throws(DIDError) -> String {
        let (base, _) = DIDSyntax.splitFragment(did)
        guard base.hasPrefix("did:web:") else { throw DIDError(.invalidDID, "\(did) is not a did:web") }
        let parts = base.dropFirst("did:web:".count).split(separator: ":", omittingEmptySubsequences: false)
        guard let hostPart = parts.first, !hostPart.isEmpty else { throw DIDError(.invalidDID, "\(did) has no domain") }
        var host = String(hostPart)
        var port: String?
        if let range = host.range(of: "%3A") ?? host.range(of: "%3a") {
            port = String(host[range.upperBound...])
            host = String(host[..<range.lowerBound])
        }
        try checkHost(host, in: did)
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(port), (1...65535).contains(number), !port.hasPrefix("0") else {
                throw DIDError(.invalidDID, "\(did) has an invalid port \"\(port)\"")
            }
        }
        var path: [String] = []
        for segment in parts.dropFirst() {
            guard !segment.isEmpty, segment != ".", segment != ".." else {
                throw DIDError(.invalidDID, "\(did) has an empty, . or .. path segment")
            }
            guard segment.utf8.allSatisfy({ isUnreserved($0) }) else {
                throw DIDError(.invalidDID, "path segment \"\(segment)\" of \(did) has characters other than A-Z a-z 0-9 - . _ ~")
            }
            path.append(String(segment))
        }
        let authority = host + (port.map { ":" + $0 } ?? "")
        return "https://\(authority)/" + (path.isEmpty ? ".well-known" : path.joined(separator: "/")) + "/did.json"
    }

    /// Fetch and check the document of `did`.
    /// - Parameters:
    ///   - did: `did:web:…`.
    ///   - fetcher: the host's HTTP client.
    ///   - maxDocumentBytes: larger bodies are refused.
    /// - Returns: the document, whose `id` is `did`.
    /// - Throws: ``DIDError`` `invalidDID`, `fetchFailed`, `invalidDocument`, `idMismatch`.
    public static func resolve(_ did: String, fetcher: some DIDWebFetcher, maxDocumentBytes: Int = 256 * 1024) async throws(DIDError) -> DIDDocument {
        let url = try documentURL(for: did)
        let (base, _) = DIDSyntax.splitFragment(did)
        let body: [UInt8]
        do { body = try await fetcher.fetch(url) } catch { throw DIDError(.fetchFailed, "GET \(url): \(error)") }
        guard body.count <= maxDocumentBytes else {
            throw DIDError(.fetchFailed, "the document at \(url) is \(body.count) bytes, over \(maxDocumentBytes)")
        }
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: body) } catch { throw DIDError(.invalidDocument, "\(url) is not JSON: \(error)") }
        return try DIDDocument(json: json, expectedID: base)
    }

    private static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A DNS name of at least two labels, lower-case LDH, not an IPv4 address.
    private static func checkHost(_ host: String, in did: String) throws(DIDError) {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard host.utf8.count <= 253, labels.count >= 2 else {
            throw DIDError(.invalidDID, "\(did): \"\(host)\" is not a fully qualified domain name")
        }
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
                throw DIDError(.invalidDID, "\(did): domain label \"\(label)\" is not lower-case letters, digits and hyphens")
            }
        }
        if labels.allSatisfy({ $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }) {
            throw DIDError(.invalidDID, "\(did): did:web must not name an IP address")
        }
    }
}
