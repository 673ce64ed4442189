import Foundation

/// Runs async work (the store's API) to completion from the synchronous
/// command line, on the global executor, while the calling thread waits.
enum Blocking {
    /// The value `body` returns, or the error it throws.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                box.set(.success(try await body()))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try box.get()
    }
}

extension Blocking {
    /// Run `body` to completion while the calling thread waits.
    static func wait(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// The one result handed from the task to the waiting thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }

    func get() throws -> T {
        guard let result = lock.withLock({ result }) else {
            throw CommandError("internal error: an async operation finished without a result")
        }
        return try result.get()
    }
}
