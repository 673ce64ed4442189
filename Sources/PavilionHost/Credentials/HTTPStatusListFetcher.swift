import PavilionCredentials
import PavilionNet

/// Fetches status lists over the host's HTTP client: `GET` with
/// `Accept: application/statuslist+jwt, application/vc+jwt`, a 5-second
/// deadline, 200 only (the client follows no redirects). Used by
/// `POST /v1/credentials/verify` and `pavilion credential verify`.
public struct HTTPStatusListFetcher: StatusListFetcher {
    /// Why a list could not be fetched.
    public struct FetchError: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// - Parameter description: what went wrong.
        public init(description: String) { self.description = description }
    }

    private let client: HTTPClient
    private let timeout: Duration

    /// - Parameters:
    ///   - client: the HTTP client.
    ///   - timeout: how long one fetch may take.
    public init(client: HTTPClient, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// - Throws: ``FetchError`` for a URI that is not http(s), a transport failure or a status other than 200.
    public func fetch(_ uri: String) async throws -> FetchedStatusList {
        let response = try await Self.get(uri, accept: "application/statuslist+jwt, application/vc+jwt", client: client,
                                          timeout: timeout)
        return FetchedStatusList(body: response.body, contentType: response.headers["content-type"])
    }

    /// `GET uri` (fragment dropped) over `client`; a 200 response or a ``FetchError``.
    static func get(_ uri: String, accept: String, client: HTTPClient, timeout: Duration) async throws(FetchError) -> HTTPClientResponse {
        var text = Substring(uri)
        if let hash = text.firstIndex(of: "#") { text = text[..<hash] }
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
            throw FetchError(description: "\(uri) is not an http(s) URL")
        }
        let authorityEnd = text.dropFirst(text.hasPrefix("https://") ? 8 : 7).firstIndex(of: "/") ?? text.endIndex
        guard let base = EndpointURL(String(text[..<authorityEnd])) else {
            throw FetchError(description: "\(uri) is not an http(s) URL")
        }
        let target = authorityEnd == text.endIndex ? "/" : String(text[authorityEnd...])
        let request = HTTPClientRequest(method: "GET", target: target, headers: ["accept": accept])
        let response: HTTPClientResponse
        do { response = try await client.send(request, to: base.endpoint, deadline: .now + timeout) } catch {
            throw FetchError(description: "GET \(uri): \(error)")
        }
        guard response.status == 200 else { throw FetchError(description: "GET \(uri) answered \(response.status)") }
        return response
    }
}

/// Fetches did:web documents over the host's HTTP client (TLS verified
/// against the client's trust roots, a 5-second deadline, 200 only, no
/// redirects, the client's response size limit). Used by
/// `POST /v1/credentials/verify` and `pavilion credential verify` to resolve
/// issuers and holders named by `did:web`.
public struct HTTPDIDWebFetcher: DIDWebFetcher {
    private let client: HTTPClient
    private let timeout: Duration

    /// - Parameters:
    ///   - client: the HTTP client.
    ///   - timeout: how long one fetch may take.
    public init(client: HTTPClient, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// - Throws: ``HTTPStatusListFetcher/FetchError`` for a transport failure or a status other than 200.
    public func fetch(_ url: String) async throws -> [UInt8] {
        try await HTTPStatusListFetcher.get(url, accept: "application/did+json, application/json", client: client,
                                            timeout: timeout).body
    }
}

/// The host's fetcher: its own lists are read from the store (always the
/// current statuses), others over HTTP.
struct HostStatusListFetcher: StatusListFetcher {
    let status: CredentialStatusService?
    let keyring: SigningKeyring?
    let remote: (any StatusListFetcher)?

    func fetch(_ uri: String) async throws -> FetchedStatusList {
        if let status, let keyring, let own = status.ownList(uri) {
            let served = try status.served(try await status.record(own.id), purpose: own.purpose, keyring: keyring)
            return FetchedStatusList(body: Array(served.body.utf8), contentType: served.mediaType)
        }
        guard let remote else { throw HTTPStatusListFetcher.FetchError(description: "\(uri): this host fetches no remote status lists") }
        return try await remote.fetch(uri)
    }
}
