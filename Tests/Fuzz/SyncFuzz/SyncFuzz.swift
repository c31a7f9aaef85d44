import Foundation
import SyncCore

/// What one fuzz input goes through: the hub's reading of a request body (`SyncRequestBody`,
/// gzip'd when the input starts like gzip), and for a body that decodes, the merge into a throwaway hub store
/// under a node enrolled for it. Any crash, any error that is not a 4xx `SyncError`, or a
/// broken invariant stops the fuzzer with the input that did it.
///
/// Invariants checked after a merge: the exchange answered 4xx or acknowledged the whole
/// batch (none of it, applying nothing, under a cursor of another log); replaying the same
/// batch changes no field and applies nothing (idempotence); and the hub's clock never runs
/// ahead of its physical clock by more than the allowed drift.
enum SyncFuzz {
    /// The hub store the merges go into, renewed every `renewEvery` inputs so it stays small.
    nonisolated(unsafe) private static var hub: (store: HubStore, directory: URL)?
    nonisolated(unsafe) private static var inputs = 0
    private static let renewEvery = 2_000

    static func check(_ input: Data) {
        let request: SyncRequest
        do {
            let encoding = input.starts(with: [0x1F, 0x8B]) ? "gzip" : nil
            request = try SyncRequestBody.decode(input, contentEncoding: encoding)
        } catch {
            expectClientError(error, "decoding")
            return
        }
        waitFor { await merge(request) }
    }

    /// Runs `body` to completion, blocking the calling thread. libFuzzer calls
    /// `LLVMFuzzerTestOneInput` synchronously and takes the input as checked when it returns,
    /// so the store's async API is awaited here; the fuzzer's thread is its own, not one of
    /// Swift concurrency's, so blocking it starves no task.
    private static func waitFor(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }

    /// Merges `request` as if an enrolled node of its commune (or long-dong) had sent it.
    private static func merge(_ request: SyncRequest) async {
        let store = await hubStore()
        let commune = Identifiers.isCommuneCode(request.commune) ? request.commune : "long-dong"
        let enrollment: Enrollment
        do {
            enrollment = try await store.enroll(commune: commune, name: nil, label: "fuzz")
        } catch {
            fail("enrolling \(commune): \(error)")
        }
        var request = request
        request.node = enrollment.node
        request.commune = enrollment.commune
        let identity: NodeIdentity
        do {
            identity = try await store.authenticate(token: enrollment.token)
        } catch {
            fail("authenticating a fresh token: \(error)")
        }
        let result: ExchangeResult
        do {
            result = try await store.exchange(request, from: identity)
        } catch {
            expectClientError(error, "merging")
            return
        }
        guard let lastSeq = request.changes.last?.seq else { return }
        // A cursor of another log says the hub was restored since the node last heard from it:
        // the hub then acknowledges only what it already held, which for a new node is nothing.
        let expected = PullCursor.logChanged(sent: request.cursor, answered: result.response.cursor) ? 0 : lastSeq
        if result.response.acked != expected || (expected == 0 && result.applied != 0) {
            fail("acknowledged \(result.response.acked) of a batch ending at \(lastSeq) (applied \(result.applied)), not \(expected)")
        }
        do {
            let before = try await store.allFields().mapValues { "\($0.value)@\($0.stamp)" }
            let replay = try await store.exchange(request, from: identity)
            if replay.applied != 0 || replay.response.acked != expected {
                fail("a replayed batch applied \(replay.applied) changes, acknowledged \(replay.response.acked)")
            }
            if try await store.allFields().mapValues({ "\($0.value)@\($0.stamp)" }) != before {
                fail("a replayed batch changed the hub's fields")
            }
            let clock = try await store.clockHighWater()
            let limit = PhysicalClock.system.now() + HybridLogicalClock().maxDrift
            if clock.wall > limit {
                fail("the hub's clock \(clock) ran ahead of its physical clock")
            }
        } catch {
            fail("replaying: \(error)")
        }
    }

    /// The throwaway hub store: tasks assigned to every commune, so progress writes can land.
    private static func hubStore() async -> HubStore {
        inputs += 1
        if let hub, inputs % renewEvery != 0 { return hub.store }
        if let old = hub { try? FileManager.default.removeItem(at: old.directory) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-fuzz-\(getpid())-\(inputs)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = try HubStore(path: directory.appendingPathComponent("hub.sqlite").path)
            let writes = (1...5).flatMap { task in
                [FieldWrite(collection: "tasks", record: "4.\(task)", field: "communes", value: .text("*")),
                 FieldWrite(collection: "tasks", record: "4.\(task)", field: "title", value: .text("Nhiệm vụ 4.\(task)"))]
            }
            try await store.recordDistrict(writes, actor: "sync-fuzz")
            hub = (store, directory)
            return store
        } catch {
            fail("creating the hub store: \(error)")
        }
    }

    /// Bad input must end in a `SyncError` the hub answers with a 4xx, never a 5xx.
    private static func expectClientError(_ error: any Error, _ stage: String) {
        guard let error = error as? SyncError, (400..<500).contains(error.httpStatus) else {
            fail("\(stage) failed with something other than a 4xx SyncError: \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("sync-fuzz: \(message)\n".utf8))
        abort()
    }
}
