import ArgumentParser
import CLISupport
import SyncCore

struct Tasks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the district's tasks.", subcommands: [ImportTasks.self])
}

struct ImportTasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import tasks from a JSON file such as config/tasks.json.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The tasks file.")
    var path: String

    func run() async throws {
        let catalog = try TaskCatalog.load(path: path)
        let changed = try await store.create(HubStore.self).importTasks(catalog, actor: "district-hub tasks import")
        print("imported \(catalog.tasks.count) tasks (\(changed) fields changed)")
    }
}

struct Communes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the district's communes.", subcommands: [ImportCommunes.self])
}

struct ImportCommunes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import communes from a JSON file such as config/communes.json.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The communes file.")
    var path: String

    func run() async throws {
        let catalog = try CommuneCatalog.load(path: path)
        let changed = try await store.create(HubStore.self).importCommunes(catalog, actor: "district-hub communes import")
        print("imported \(catalog.communes.count) communes (\(changed) fields changed)")
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the yearly plans the tasks belong to.", subcommands: [CopyPlan.self])
}

struct CopyPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Copy a year's tasks into another year's plan (ids 4.1 → 4.1-2026), sent to the communes at their next sync.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The year to copy.")
    var from: Int

    @Option(help: "The new plan's year.")
    var to: Int

    @Flag(help: "Move each deadline by the years between; without it the new tasks have none until the district sets them.")
    var shiftDeadlines = false

    @Option(help: "The document that sets the new plan (default: the copied tasks').")
    var source: String?

    func run() async throws {
        try await reportingErrors {
            let copy = try await store.existing(HubStore.self).copyPlan(from: from, to: to, shiftDeadlines: shiftDeadlines, planSource: source,
                                                                        actor: "district-hub plan copy")
            print("plan \(to): \(copy.copied.count) tasks copied from \(from)\(copy.existing.isEmpty ? "" : ", \(copy.existing.count) already there")")
        }
    }
}
