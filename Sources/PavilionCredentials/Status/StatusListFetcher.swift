/// A fetched status list: the response body and its media type.
public struct FetchedStatusList: Sendable {
    /// The body (a compact JWT for `application/statuslist+jwt` and `application/vc+jwt`).
    public var body: [UInt8]
    /// The `Content-Type`, if known.
    public var contentType: String?

    /// - Parameters:
    ///   - body: the response body.
    ///   - contentType: its media type.
    public init(body: [UInt8], contentType: String? = nil) {
        self.body = body
        self.contentType = contentType
    }
}

/// Fetches a status list by URI: the seam where the host's HTTP client
/// plugs in (following redirects, `Accept: application/statuslist+jwt`,
/// its own timeouts). Anything it throws makes the status `undetermined`
/// (`unreachable`).
public protocol StatusListFetcher: Sendable {
    /// The list at `uri`.
    /// - Parameter uri: the `uri` / `statusListCredential` from the credential.
    /// - Returns: the body and media type.
    /// - Throws: any error: the list is unreachable.
    func fetch(_ uri: String) async throws -> FetchedStatusList
}
