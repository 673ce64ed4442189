import Dispatch
import Synchronization

/// Split `0..<count` into one contiguous range per worker and run `body` on
/// each on its own thread (`DispatchQueue.concurrentPerform`); results come
/// back in order. Each call of `body` makes its own ``PSIWorker``, so no
/// OpenSSL context is shared between threads.
enum PSIParallel {
    static func map<T: Sendable>(count: Int, workers: Int,
                                 _ body: @Sendable (PSIWorker, Range<Int>) throws(PSIError) -> [T]) throws(PSIError) -> [T] {
        guard count > 0 else { return [] }
        let parts = max(1, min(workers, count))
        let results = Mutex<[Result<[T], PSIError>?]>(Array(repeating: nil, count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (count * part / parts) ..< (count * (part + 1) / parts)
            let result: Result<[T], PSIError>
            do throws(PSIError) {
                result = .success(try body(try PSIWorker(), range))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[part] = result }
        }
        var out: [T] = []
        out.reserveCapacity(count)
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let values)?: out += values
            case .failure(let error)?: throw error
            case nil: throw PSIError(.cryptoFailure, "a worker did not finish")
            }
        }
        return out
    }
}
