import PavilionNet

/// One provider kind's public API: answers its requests and shapes its errors.
protocol ProviderAPI: Sendable {
    /// The content type of the API's normal answers (used by the garbage fault).
    var contentType: String { get }
    /// Answer a provider request (not a `/_sim/` one).
    func respond(to request: HTTPServerRequest) -> HTTPServerResponse
    /// An error in the provider's own error shape.
    func error(status: Int, message: String) -> HTTPServerResponse
}
