/// Fetches a did:web document over HTTPS. The host implements it with its
/// own HTTP client (TLS, timeouts, proxy, size limits); tests use a local
/// fixture fetcher.
///
/// Thread line: called concurrently from many verifications.
public protocol DIDWebFetcher: Sendable {
    /// GET `url` and return the body of a 200 response.
    /// - Parameter url: an `https://` URL from ``DIDWeb/documentURL(for:)``.
    /// - Returns: the response body.
    /// - Throws: anything; ``DIDWeb`` reports it as ``DIDError/Code/fetchFailed``.
    func fetch(_ url: String) async throws -> [UInt8]
}
