import Logging
import ServiceLifecycle
import SyncCore

/// Collects the evidence files no record needs any more (`ReplicaStore.collectFiles`): at
/// start, then every six hours, until shutdown.
struct FileCollectionService: Service {
    static let interval = Duration.seconds(6 * 3_600)

    let store: HubStore
    let grace: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                do {
                    let collected = try await store.collectFiles(grace: grace)
                    if !collected.removed.isEmpty || collected.abandoned > 0 {
                        logger.info("files.collected", metadata: ["files.removed": "\(collected.removed.count)",
                                                                  "files.abandoned": "\(collected.abandoned)"])
                    }
                } catch {
                    logger.warning("files.collect_failed", metadata: ["error.message": "\(error)"])
                }
            } while (try? await Task.sleep(for: Self.interval)) != nil
        }
    }
}
