/// How a ``PSIClient`` reaches a ``PSIServer``: over HTTP from the command
/// line (`pavilion psi query`), or in-process (``PSILocalTransport``).
/// Each call is one request; errors are ``PSIError`` (`.transport` when the
/// server cannot be reached or answers with an error).
public protocol PSITransport: Sendable {
    /// `GET /psi/v1/info`.
    func info() async throws(PSIError) -> PSIServerInfo
    /// `POST /psi/v1/evaluate`: blinded points in, evaluated points out.
    func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8]
    /// `GET /psi/v1/set?offset=&count=`: a page of the server's set.
    func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8]
    /// `POST /psi/v1/sessions`: open a cardinality session.
    func openSession() async throws(PSIError) -> String
    /// `POST /psi/v1/sessions/{id}/points`: add points to it.
    func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError)
    /// `POST /psi/v1/sessions/{id}/finish`: close it, get the sorted digests.
    func finishSession(_ id: String) async throws(PSIError) -> [UInt8]
}

/// A transport that calls a ``PSIServer`` in the same process.
public struct PSILocalTransport: PSITransport {
    /// The server.
    public let server: PSIServer

    /// - Parameter server: the server to call.
    public init(server: PSIServer) { self.server = server }

    public func info() async throws(PSIError) -> PSIServerInfo { server.info }
    public func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] { try server.evaluate(points) }
    public func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] { try server.page(offset: offset, count: count) }
    public func openSession() async throws(PSIError) -> String { try server.openSession() }
    public func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) { try server.addToSession(id, points) }
    public func finishSession(_ id: String) async throws(PSIError) -> [UInt8] { try server.finishSession(id) }
}
