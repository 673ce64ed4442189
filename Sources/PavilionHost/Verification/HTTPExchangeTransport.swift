import PavilionNet
import PavilionPlugins

/// ``ExchangeTransport`` over PavilionNet's ``HTTPClient``: joins the base
/// URL's path with the request's, adds `traceparent` and `x-request-id`
/// (the client sets `Host` and `Content-Length`), and maps client errors to
/// transport codes.
public struct HTTPExchangeTransport: ExchangeTransport {
    /// The client; its `maxResponseBytes` is the response size cap.
    public let client: HTTPClient

    /// - Parameter client: the client to send with.
    public init(client: HTTPClient) { self.client = client }

    /// Send `request` to `context.baseURL`.
    public func send(_ request: HTTPRequest, context: TransportContext) async throws(TransportError) -> HTTPResponse {
        var headers = HTTPHeaders()
        for field in request.headers { headers.add(name: field.name, value: field.value) }
        headers.replace(name: "traceparent", value: context.trace.description)
        headers.replace(name: "x-request-id", value: context.requestID)
        let outgoing = HTTPClientRequest(method: request.method, target: context.baseURL.target(for: request.path),
                                         headers: headers, body: request.body)
        do {
            let response = try await client.send(outgoing, to: context.baseURL.endpoint, deadline: context.deadline)
            guard (100...599).contains(response.status) else {
                throw TransportError(.badResponse, "status \(response.status) from \(context.baseURL)")
            }
            return HTTPResponse(status: response.status, headers: response.headers.fields, body: response.body)
        } catch let error as HTTPClientError {
            throw Self.map(error, context: context)
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.badResponse, "\(error)")
        }
    }

    static func map(_ error: HTTPClientError, context: TransportContext) -> TransportError {
        let reason = "\(context.baseURL): \(error)"
        switch error.code {
        case .timeout: return TransportError(.timeout, reason)
        case .connectRefused, .system: return TransportError(.unreachable, reason, requestMayHaveBeenSent: false)
        case .connectionReset: return TransportError(.unreachable, reason)
        case .tls, .protocolError, .invalidRequest: return TransportError(.badResponse, reason)
        case .responseTooLarge: return TransportError(.responseTooLarge, reason)
        case .shutdown: return TransportError(.shutdown, reason)
        }
    }
}
