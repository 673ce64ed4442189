import PavilionCore
import PavilionNet

/// The echo service: `GET /echo` answers 200 `{}`, `GET /health` answers 200
/// `{"status":"ok"}`; other paths 404, other methods 405 (JSON bodies).
struct EchoAPI: ProviderAPI {
    var contentType: String { "application/json" }

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        switch request.path {
        case "/echo", "/health":
            guard request.method == "GET" || request.method == "HEAD" else {
                return .json(405, ["error": "method_not_allowed"], headers: [("allow", "GET")])
            }
            return .json(200, request.path == "/echo" ? [:] : ["status": "ok"])
        default:
            return .json(404, ["error": "not_found"])
        }
    }

    func error(status: Int, message: String) -> HTTPServerResponse {
        .json(status, ["error": .string(message)])
    }
}
